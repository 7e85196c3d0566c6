"""Redis roles, each on its own database number (docs/redis.md).

`cache.clear()` runs FLUSHDB, so the cache never shares a database with another role. Every
client is built from these settings, once per process per role, by
`{{ cookiecutter.project_slug }}.platform.core.redis_clients`;
both build their connection options with
`{{ cookiecutter.project_slug }}.platform.core.redis_config`.
"""

from typing import Any

from config.env import env, redis_env, with_redis_password

from {{ cookiecutter.project_slug }}.platform.core.redis_config import (
    django_redis_cache,
    redis_url_with_db,
)

_REDIS = redis_env()
# Each role's client times its commands for the metrics (components/metrics.py reads it too).
_METRICS = env.bool("METRICS_ENABLED", default=True)
# The durable role (application data that must not be evicted) lives on REDIS_DURABLE_URL itself;
# every other role defaults to the same server on its own database number.
REDIS_DURABLE_URL = _REDIS.durable_url
# A role URL without a password gets REDIS_PASSWORD (config/env.py).
REDIS_CACHE_URL = with_redis_password(
    env.str("REDIS_CACHE_URL", default=redis_url_with_db(REDIS_DURABLE_URL, 1))
)
{%- if cookiecutter.session_backend != "database" %}
REDIS_SESSIONS_URL = with_redis_password(
    env.str("REDIS_SESSIONS_URL", default=redis_url_with_db(REDIS_DURABLE_URL, 2))
)
{%- endif %}
{%- if cookiecutter.use_celery == "y" %}
# Databases 3 and 4 belong to Celery (components/celery.py).
{%- endif %}
REDIS_RATE_LIMIT_URL = with_redis_password(
    env.str("REDIS_RATE_LIMIT_URL", default=redis_url_with_db(REDIS_DURABLE_URL, 5))
)
{%- if cookiecutter.use_realtime == "y" %}
# Pub/sub ignores database numbers (channels carry REALTIME_PREFIX); the replay logs (Redis
# Streams) use db 6. With REDIS_CLUSTER_NODES: the cluster, with sharded pub/sub.
REDIS_REALTIME_URL = with_redis_password(
    env.str("REDIS_REALTIME_URL", default=redis_url_with_db(REDIS_DURABLE_URL, 6))
)
{%- endif %}

REDIS_SOCKET_TIMEOUT = _REDIS.socket_timeout
REDIS_SSL_CA_CERTS = _REDIS.ssl_ca_certs
REDIS_KEY_PREFIX = _REDIS.key_prefix
# Redis Sentinel (docs/scaling-out.md). With REDIS_SENTINELS set, every role connects to the
# master the sentinels currently name REDIS_SENTINEL_MASTER, and follows it through a failover;
# each role's URL then only gives its database number, password and scheme (rediss:// for TLS).
REDIS_SENTINELS = _REDIS.sentinels
REDIS_SENTINEL_MASTER = _REDIS.sentinel_master
REDIS_SENTINEL_PASSWORD = _REDIS.sentinel_password
# Redis Cluster (docs/scaling-out.md). With REDIS_CLUSTER_NODES set, the cache, sessions,
# rate-limit{% if cookiecutter.use_realtime == "y" %} and realtime{% endif %} roles live on the cluster, each under its own key prefix; their URLs
# then only give the password and scheme (rediss:// for TLS). The durable role{% if cookiecutter.use_celery == "y" %} and Celery{% endif %}
# stay on REDIS_DURABLE_URL's standalone or Sentinel Redis.
REDIS_CLUSTER_NODES = _REDIS.cluster_nodes
CACHE_TIMEOUT = env.int("CACHE_TIMEOUT", default=300)

_CACHE_OPTIONS: dict[str, Any] = {
    "key_prefix": REDIS_KEY_PREFIX,
    "timeout": CACHE_TIMEOUT,
    "socket_timeout": REDIS_SOCKET_TIMEOUT,
    "ca_certs": REDIS_SSL_CA_CERTS,
    "sentinels": REDIS_SENTINELS,
    "sentinel_master": REDIS_SENTINEL_MASTER,
    "sentinel_password": REDIS_SENTINEL_PASSWORD,
    "cluster_nodes": REDIS_CLUSTER_NODES,
    # Each role's client times its commands under the role's name in core's registry
    # (core/redis_clients.py), for the metrics.
    "timed": _METRICS,
}

CACHES = {
    # A cache outage degrades to cache misses instead of errors...
    "default": django_redis_cache(
        REDIS_CACHE_URL,
        ignore_exceptions=True,
        role="cache",
        **_CACHE_OPTIONS,
    ),
{%- if cookiecutter.session_backend != "database" %}
    # ...but a session store that silently dropped writes would log users out at random.
    "sessions": django_redis_cache(
        REDIS_SESSIONS_URL,
        ignore_exceptions=False,
        role="sessions",
        **_CACHE_OPTIONS,
    ),
{%- endif %}
}
# ...and is logged, so the outage is visible (the health check reports it too).
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
DJANGO_REDIS_LOGGER = "{{ cookiecutter.project_slug }}.cache"

# base.py star-imports this module: only the settings above may leave it.
del Any, django_redis_cache, env, redis_env, redis_url_with_db, with_redis_password
