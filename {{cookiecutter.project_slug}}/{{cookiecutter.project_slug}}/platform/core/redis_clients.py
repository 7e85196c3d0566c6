"""The process-wide Redis clients, one connection pool per role.

Every module gets its Redis client here. A client is never built per request: a new client
costs a TCP (and TLS) handshake, about 20 times the cost of a pooled command.

Roles and where their URL comes from:

- ``cache``: ``CACHES["default"]`` (django-redis owns the pool; we share it)
- ``durable``: ``REDIS_DURABLE_URL``, for application data that must not be evicted
- ``rate_limit``: ``REDIS_RATE_LIMIT_URL``, the limiter's counters (each with a TTL)

and the roles each platform feature adds from its AppConfig.ready() with
``register_redis_role()`` (a feature that is deleted takes its role with it).

With REDIS_CLUSTER_NODES set, the roles that may live on a Redis Cluster (the cache, sessions,
rate limits, and the roles registered ``on_cluster``) get a ``RedisCluster`` on those nodes, and
pub/sub on them goes sharded (``channel_publisher``, ``channel_subscriber``); whether a role is on
a cluster is decided here, and nowhere else.
"""

from collections.abc import Callable
from functools import cache
from typing import Any, cast

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django_redis import get_redis_connection
from redis import BlockingConnectionPool, Redis
from redis import asyncio as aioredis
from redis.asyncio.cluster import ClusterNode as AsyncClusterNode
from redis.asyncio.cluster import RedisCluster as AsyncRedisCluster
from redis.asyncio.retry import Retry as AsyncRetry
from redis.asyncio.sentinel import Sentinel as AsyncSentinel
from redis.backoff import NoBackoff
from redis.cluster import ClusterNode, RedisCluster
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisClusterException
from redis.sentinel import Sentinel

from {{ cookiecutter.project_slug }}.platform.core.redis_channels import (
    ChannelPublisher,
    ChannelSubscriber,
    Deliver,
    PatternSubscriber,
    ShardedSubscriber,
)
from {{ cookiecutter.project_slug }}.platform.core.redis_config import (
    CLUSTER_CACHE_CLIENT,
    MAX_CONNECTIONS_PER_ROLE,
    cluster_kwargs,
    redis_connection_kwargs,
    sentinel_kwargs,
    sentinel_master_kwargs,
)
from {{ cookiecutter.project_slug }}.platform.observability.redis_timing import TimedRedis

# Roles whose pool django-redis builds from a CACHES alias.
CACHE_ALIAS_ROLES = {"cache": "default"}
# Roles whose pool is built here from a URL setting.
URL_SETTING_ROLES = {"durable": "REDIS_DURABLE_URL", "rate_limit": "REDIS_RATE_LIMIT_URL"}
# The URL roles that move onto a Redis Cluster when REDIS_CLUSTER_NODES is set (the cache roles
# follow their CACHES entry). The durable role is never one: it stays on a standalone or Sentinel
# Redis (config/env.py refuses a cluster node for it).
CLUSTER_ROLES = {"rate_limit"}
CONNECTION_SETTINGS = {
    "REDIS_CLUSTER_NODES",
    "CACHES",
    "METRICS_ENABLED",
    "REDIS_SOCKET_TIMEOUT",
    "REDIS_SSL_CA_CERTS",
    "REDIS_SENTINELS",
    "REDIS_SENTINEL_MASTER",
    "REDIS_SENTINEL_PASSWORD",
}


def register_redis_role(
    role: str,
    *,
    url_setting: str | None = None,
    cache_alias: str | None = None,
    on_cluster: bool = False,
) -> None:
    """Add `role`, connected to the URL in setting `url_setting` or shared with django-redis's
    `cache_alias`: the health check probes it and `manage.py check_redis` diagnoses it. A URL
    role `on_cluster` moves onto REDIS_CLUSTER_NODES when that is set."""
    if (url_setting is None) == (cache_alias is None):
        raise ValueError("A Redis role takes exactly one of url_setting and cache_alias.")
    if cache_alias is not None:
        CACHE_ALIAS_ROLES[role] = cache_alias
    else:
        URL_SETTING_ROLES[role] = str(url_setting)
    if on_cluster:
        CLUSTER_ROLES.add(role)


# Keys that one command or script reads or writes together, by what does so: each gives a sample
# set, which `manage.py check_redis` checks for one slot (a hash tag) when on a cluster.
SAME_SLOT_KEYS: dict[str, Callable[[], list[str]]] = {}


def register_same_slot_keys(name: str, sample: Callable[[], list[str]]) -> None:
    SAME_SLOT_KEYS[name] = sample


def cluster_roles() -> dict[str, str]:
    """The roles on the Redis Cluster and their URLs (none without REDIS_CLUSTER_NODES)."""
    return {role: url for role, url in redis_role_urls().items() if on_cluster(role)}


def cluster_node_client(address: str, url: str) -> Redis:
    """A client of the one cluster node at `address` (host:port), with `url`'s credentials and
    TLS: for diagnosing that node, not for commands (no redirections are followed)."""
    host, _, port = address.rpartition(":")
    kwargs = cluster_kwargs(
        url, socket_timeout=settings.REDIS_SOCKET_TIMEOUT, ca_certs=settings.REDIS_SSL_CA_CERTS
    )
    return Redis(host=host, port=int(port), **kwargs)  # type: ignore[arg-type]


def on_cluster(role: str) -> bool:
    """Whether `role` lives on the Redis Cluster (REDIS_CLUSTER_NODES)."""
    if not settings.REDIS_CLUSTER_NODES:
        return False
    if role in CACHE_ALIAS_ROLES:
        options: Any = settings.CACHES[CACHE_ALIAS_ROLES[role]].get("OPTIONS", {})
        return bool(options.get("CLIENT_CLASS") == CLUSTER_CACHE_CLIENT)
    return role in CLUSTER_ROLES


def redis_role_urls() -> dict[str, str]:
    """Every configured role and its URL."""
    urls = {
        role: str(settings.CACHES[alias]["LOCATION"]) for role, alias in CACHE_ALIAS_ROLES.items()
    }
    urls.update({role: str(getattr(settings, name)) for role, name in URL_SETTING_ROLES.items()})
    return urls


def hash_tag(text: str) -> str:
    """`text` as a hash tag on a Redis Cluster: the cluster hashes only the part of a key inside
    its first braces, so keys that carry the same tag share a slot, and one command (MGET, a
    script) may touch them all. Without a cluster, `text` itself: the keys of a standalone
    deployment stay as they were."""
    return "{" + text + "}" if settings.REDIS_CLUSTER_NODES else text


@cache
def redis_client(role: str) -> Redis:
    """The client of `role`, built on first use and shared by the whole process."""
    if role in CACHE_ALIAS_ROLES:
        client: Redis = get_redis_connection(CACHE_ALIAS_ROLES[role])
        return client
    if role not in URL_SETTING_ROLES:
        raise KeyError(f"Unknown Redis role {role!r}; known: {', '.join(redis_role_urls())}")
    url = str(getattr(settings, URL_SETTING_ROLES[role]))
    if on_cluster(role):
        # RedisCluster takes the same commands as Redis (a command on several keys must keep them
        # in one slot with a hash tag); callers need not know which they hold.
        return cast(Redis, cluster_client(url))
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
        return _client_on(master.connection_pool, role=role)
    pool = BlockingConnectionPool.from_url(
        url, max_connections=MAX_CONNECTIONS_PER_ROLE, timeout=20, **kwargs
    )
    return _client_on(pool, role=role)


@cache
def cluster_client(url: str) -> RedisCluster:
    """The process's client of REDIS_CLUSTER_NODES with `url`'s credentials and TLS, shared by
    the roles that use them (the cache's client, core/cluster_cache.py, too). It keeps a pool of
    at most MAX_CONNECTIONS_PER_ROLE connections per node, learns the slot map from the first
    node that answers, and follows MOVED and ASK redirections and failovers by itself."""
    kwargs = cluster_kwargs(
        url, socket_timeout=settings.REDIS_SOCKET_TIMEOUT, ca_certs=settings.REDIS_SSL_CA_CERTS
    )
    try:
        return ProjectRedisCluster(
            startup_nodes=[
                ClusterNode(host, port)  # type: ignore[no-untyped-call, unused-ignore]
                for host, port in settings.REDIS_CLUSTER_NODES
            ],
            max_connections=MAX_CONNECTIONS_PER_ROLE,
            **kwargs,  # type: ignore[arg-type]
        )
    except RedisClusterException as error:
        raise _as_outage(error) from error


class ProjectRedisCluster(RedisCluster):
    """A RedisCluster whose "no node answers" is a ConnectionError, as a standalone Redis's is:
    the cache's ignored exceptions, the sessions' 503 and the rate limiter's fail-open treat a
    cluster outage like any other Redis outage."""

    def execute_command(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().execute_command(*args, **kwargs)  # type: ignore[no-untyped-call, unused-ignore]
        except RedisClusterException as error:
            raise _as_outage(error) from error


def _as_outage(error: RedisClusterException) -> Exception:
    # redis-py raises RedisClusterException for its own refusals too (keys of several slots in
    # one command): those are bugs, and stay what they are.
    if "cannot be connected" in str(error):
        return RedisConnectionError(str(error))
    return error


def _client_on(pool: Any, *, role: str) -> Redis:
    """With metrics on, a client that times each command under its role's name (docs/metrics.md)."""
    if settings.METRICS_ENABLED:
        return TimedRedis(connection_pool=pool, metrics_role=role)
    return Redis(connection_pool=pool)


def async_subscriber_client(role: str, *, client_name: str) -> aioredis.Redis:
    """A new asyncio client of `role` for a process's long-lived subscriber, which owns it for
    the life of the process (a server-sent events hub's). No read timeout: a subscriber waits for
    messages, and finds dead connections by its own periodic PING instead."""
    url = redis_role_urls()[role]
    kwargs: dict[str, Any] = redis_connection_kwargs(
        url, socket_timeout=settings.REDIS_SOCKET_TIMEOUT, ca_certs=settings.REDIS_SSL_CA_CERTS
    )
    kwargs.update(socket_timeout=None, retry=None, client_name=client_name)
    if settings.REDIS_SENTINELS:
        # asyncio's own Retry: the sentinels are asked once each, like the synchronous clients.
        to_sentinels = {**sentinel_connection_kwargs(), "retry": AsyncRetry(NoBackoff(), retries=0)}
        sentinels = AsyncSentinel(  # type: ignore[no-untyped-call, unused-ignore]
            settings.REDIS_SENTINELS, sentinel_kwargs=to_sentinels
        )
        client: aioredis.Redis = sentinels.master_for(
            settings.REDIS_SENTINEL_MASTER, **{**kwargs, **sentinel_master_kwargs(url)}
        )
        return client
    return aioredis.Redis.from_url(url, **kwargs)


def channel_publisher(role: str) -> ChannelPublisher:
    """How `role` publishes: SPUBLISH on the cluster (to the shard that owns the channel's slot
    only), PUBLISH elsewhere (core/redis_channels.py says why)."""
    return ChannelPublisher(redis_client(role), "SPUBLISH" if on_cluster(role) else "PUBLISH")


def channel_subscriber(
    role: str, *, pattern: str, client_name: str, deliver: Deliver
) -> ChannelSubscriber:
    """A new listener to `role`'s channels for a process's long-lived subscriber, which owns it
    (and closes it): one pattern subscription to `pattern` on a standalone or Sentinel Redis,
    sharded subscriptions per channel on the cluster."""
    if not on_cluster(role):
        client = async_subscriber_client(role, client_name=client_name)
        return PatternSubscriber(client, pattern=pattern, deliver=deliver)
    url = redis_role_urls()[role]
    kwargs = cluster_kwargs(
        url, socket_timeout=settings.REDIS_SOCKET_TIMEOUT, ca_certs=settings.REDIS_SSL_CA_CERTS
    )
    # The cluster client only reads the slot map; each primary's subscriptions get a connection
    # of their own, without a read timeout or retries (as async_subscriber_client's): a dropped
    # connection must end the subscription, not be silently replaced.
    cluster = AsyncRedisCluster(
        startup_nodes=[AsyncClusterNode(host, port) for host, port in settings.REDIS_CLUSTER_NODES],
        **kwargs,  # type: ignore[arg-type]
    )

    def node_client(host: str, port: int) -> aioredis.Redis:
        options: dict[str, Any] = {**kwargs, "socket_timeout": None, "retry": None}
        options["client_name"] = client_name
        return aioredis.Redis(host=host, port=port, **options)

    return ShardedSubscriber(cluster, node_client=node_client, deliver=deliver)


def sentinel_connection_kwargs() -> dict[str, object]:
    return sentinel_kwargs(
        socket_timeout=settings.REDIS_SOCKET_TIMEOUT, password=settings.REDIS_SENTINEL_PASSWORD
    )


@cache
def sentinel_manager() -> Sentinel:
    """The process's connection to the sentinels (REDIS_SENTINELS), shared by every role."""
    return Sentinel(settings.REDIS_SENTINELS, sentinel_kwargs=sentinel_connection_kwargs())  # type: ignore[no-untyped-call, unused-ignore]


@receiver(setting_changed)
def _forget_clients_when_redis_settings_change(*, setting: str, **kwargs: Any) -> None:
    # Tests point roles at other servers; clients built for the old URLs must not be reused.
    if setting in CONNECTION_SETTINGS or setting in URL_SETTING_ROLES.values():
        redis_client.cache_clear()
        sentinel_manager.cache_clear()
        cluster_client.cache_clear()
