"""The process-wide Redis clients, one connection pool per role.

Every module gets its Redis client here. A client is never built per request: a new client
costs a TCP (and TLS) handshake, about 20 times the cost of a pooled command.

Roles and where their URL comes from:

- ``cache``: ``CACHES["default"]`` (django-redis owns the pool; we share it)
{%- if cookiecutter.session_backend != "database" %}
- ``sessions``: ``CACHES["sessions"]`` (likewise)
{%- endif %}
- ``durable``: ``REDIS_DURABLE_URL``, for application data that must not be evicted
- ``rate_limit``: ``REDIS_RATE_LIMIT_URL``, the limiter's counters (each with a TTL)
{%- if cookiecutter.use_realtime == "y" %}
- ``realtime``: ``REDIS_REALTIME_URL``, event publishing and replay logs; the asyncio
  subscriber of the SSE hub is built by ``async_pubsub_client()``
{%- endif %}
{%- if cookiecutter.use_celery == "y" %}
- ``broker`` and ``results``: ``REDIS_BROKER_URL`` / ``REDIS_RESULTS_URL`` (Celery owns the
  connections that carry tasks, through CELERY_BROKER_URL; these clients only check on them)
{%- endif %}
"""

from functools import cache
from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django_redis import get_redis_connection
from redis import BlockingConnectionPool, Redis
{%- if cookiecutter.use_realtime == "y" %}
from redis import asyncio as aioredis
from redis.asyncio.retry import Retry as AsyncRetry
from redis.asyncio.sentinel import Sentinel as AsyncSentinel
from redis.backoff import NoBackoff
{%- endif %}
from redis.sentinel import Sentinel

from {{ cookiecutter.project_slug }}.platform.core.redis_config import (
    MAX_CONNECTIONS_PER_ROLE,
    redis_connection_kwargs,
    sentinel_kwargs,
    sentinel_master_kwargs,
)

# Roles whose pool django-redis builds from a CACHES alias.
CACHE_ALIAS_ROLES = {"cache": "default"{% if cookiecutter.session_backend != "database" %}, "sessions": "sessions"{% endif %}}
# Roles whose pool is built here from a URL setting.
URL_SETTING_ROLES = {
    "durable": "REDIS_DURABLE_URL",
    "rate_limit": "REDIS_RATE_LIMIT_URL",
{%- if cookiecutter.use_realtime == "y" %}
    "realtime": "REDIS_REALTIME_URL",
{%- endif %}
{%- if cookiecutter.use_celery == "y" %}
    "broker": "REDIS_BROKER_URL",
    "results": "REDIS_RESULTS_URL",
{%- endif %}
}
RELEVANT_SETTINGS = {
    "CACHES",
    "REDIS_SOCKET_TIMEOUT",
    "REDIS_SSL_CA_CERTS",
    "REDIS_SENTINELS",
    "REDIS_SENTINEL_MASTER",
    "REDIS_SENTINEL_PASSWORD",
    *URL_SETTING_ROLES.values(),
}


def redis_role_urls() -> dict[str, str]:
    """Every configured role and its URL."""
    urls = {
        role: str(settings.CACHES[alias]["LOCATION"]) for role, alias in CACHE_ALIAS_ROLES.items()
    }
    urls.update({role: str(getattr(settings, name)) for role, name in URL_SETTING_ROLES.items()})
    return urls


@cache
def redis_client(role: str) -> Redis:
    """The client of `role`, built on first use and shared by the whole process."""
    if role in CACHE_ALIAS_ROLES:
        client: Redis = get_redis_connection(CACHE_ALIAS_ROLES[role])
        return client
    if role not in URL_SETTING_ROLES:
        raise KeyError(f"Unknown Redis role {role!r}; known: {', '.join(redis_role_urls())}")
    url = str(getattr(settings, URL_SETTING_ROLES[role]))
    kwargs = redis_connection_kwargs(
        url, socket_timeout=settings.REDIS_SOCKET_TIMEOUT, ca_certs=settings.REDIS_SSL_CA_CERTS
    )
    if settings.REDIS_SENTINELS:
        # The sentinels name the master; its pool follows a failover by asking them again.
        # redis-py 8.2 ships types and 8.1 does not: the ignore holds for both.
        options: dict[str, Any] = {**kwargs, **sentinel_master_kwargs(url)}
        master: Redis = sentinel_manager().master_for(  # type: ignore[no-untyped-call, unused-ignore]
            settings.REDIS_SENTINEL_MASTER, max_connections=MAX_CONNECTIONS_PER_ROLE, **options
        )
        return master
    pool = BlockingConnectionPool.from_url(
        url, max_connections=MAX_CONNECTIONS_PER_ROLE, timeout=20, **kwargs
    )
    return Redis(connection_pool=pool)


def _to_sentinels() -> dict[str, object]:
    return sentinel_kwargs(
        socket_timeout=settings.REDIS_SOCKET_TIMEOUT, password=settings.REDIS_SENTINEL_PASSWORD
    )


@cache
def sentinel_manager() -> Sentinel:
    """The process's connection to the sentinels (REDIS_SENTINELS), shared by every role."""
    return Sentinel(settings.REDIS_SENTINELS, sentinel_kwargs=_to_sentinels())  # type: ignore[no-untyped-call, unused-ignore]
{%- if cookiecutter.use_realtime == "y" %}


def async_pubsub_client() -> "aioredis.Redis":
    """An asyncio client for the realtime role's one subscriber per process (the SSE hub owns
    it for the life of the process). No read timeout: a subscriber waits for messages; dead
    connections are found by the hub's periodic PING instead."""
    url = str(settings.REDIS_REALTIME_URL)
    kwargs: dict[str, Any] = redis_connection_kwargs(
        url, socket_timeout=settings.REDIS_SOCKET_TIMEOUT, ca_certs=settings.REDIS_SSL_CA_CERTS
    )
    kwargs.update(socket_timeout=None, retry=None, client_name=f"{settings.REALTIME_PREFIX}:hub")
    if settings.REDIS_SENTINELS:
        to_sentinels = {**_to_sentinels(), "retry": AsyncRetry(NoBackoff(), retries=0)}  # asyncio
        sentinels = AsyncSentinel(  # type: ignore[no-untyped-call, unused-ignore]
            settings.REDIS_SENTINELS, sentinel_kwargs=to_sentinels
        )
        client: aioredis.Redis = sentinels.master_for(
            settings.REDIS_SENTINEL_MASTER, **{**kwargs, **sentinel_master_kwargs(url)}
        )
        return client
    return aioredis.Redis.from_url(url, **kwargs)
{%- endif %}


@receiver(setting_changed)
def _forget_clients_when_redis_settings_change(*, setting: str, **kwargs: Any) -> None:
    # Tests point roles at other servers; clients built for the old URLs must not be reused.
    if setting in RELEVANT_SETTINGS:
        redis_client.cache_clear()
        sentinel_manager.cache_clear()
