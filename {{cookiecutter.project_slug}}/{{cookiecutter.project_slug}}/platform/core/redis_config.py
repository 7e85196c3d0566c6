"""How a Redis role is connected to: the options every pool gets, Sentinel, Redis Cluster, TLS.

This module and redis_clients.py are the Redis clients module, in two halves: this one is what
the settings import (no Django, no clients), so the cache's and the sessions' cluster client is
chosen here, when CACHES is built; redis_clients.py holds every other "is this a cluster" branch.

Pure functions of their arguments (no `django.conf.settings`): the settings components call them
to build CACHES and the other Redis connections they configure, and `redis_clients` calls them
with the settings' values to build the other roles' pools, so all agree on every option.
"""

from urllib.parse import unquote, urlsplit, urlunsplit

from redis.backoff import ExponentialWithJitterBackoff, NoBackoff
from redis.retry import Retry

# django-redis's pool size per cache alias (redis_clients uses the same for its roles).
MAX_CONNECTIONS_PER_ROLE = 50
# The client class of every role when metrics are on (a dotted path: settings import no client).
_OBSERVABILITY = "{{ cookiecutter.project_slug }}.platform.observability"
TIMED_REDIS_CLIENT = f"{_OBSERVABILITY}.redis_timing.TimedRedis"
# django-redis's client classes: the project's (core/cache_client.py), and on a Redis Cluster
# (REDIS_CLUSTER_NODES) its subclass.
PROJECT_CACHE_CLIENT = f"{__package__}.cache_client.ProjectCacheClient"
CLUSTER_CACHE_CLIENT = f"{__package__}.cluster_cache.ClusterCacheClient"


def redis_url_with_db(url: str, db: int) -> str:
    """The same Redis server as `url`, on database number `db` (query string kept)."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{db}"))


def redis_connection_kwargs(url: str, *, socket_timeout: float, ca_certs: str) -> dict[str, object]:
    """Connection options shared by every role's pool."""
    kwargs: dict[str, object] = {
        "socket_connect_timeout": socket_timeout,
        "socket_timeout": socket_timeout,
        # A pooled connection idle for 30 s is PINGed before use, and a command that fails on a
        # dead connection is retried once on a fresh one: after a Redis restart the app recovers
        # by itself, and during an outage each command costs at most one extra refused connect.
        "health_check_interval": 30,
        "retry": Retry(ExponentialWithJitterBackoff(base=0.01, cap=0.05), retries=1),
    }
    if url.startswith("rediss://") and ca_certs:
        kwargs["ssl_ca_certs"] = ca_certs
    return kwargs


def sentinel_kwargs(*, socket_timeout: float, password: str) -> dict[str, object]:
    """How to talk to the sentinels themselves (their own password, not the master's). No
    retries: a sentinel that fails is skipped for the next one (redis-py's default would retry
    each with seconds of backoff, even a refused password)."""
    kwargs: dict[str, object] = {
        "socket_connect_timeout": socket_timeout,
        "socket_timeout": socket_timeout,
        "retry": Retry(NoBackoff(), retries=0),
    }
    if password:
        kwargs["password"] = password
    return kwargs


def sentinel_master_kwargs(url: str) -> dict[str, object]:
    """What a role's URL still says under Sentinel: database, credentials and TLS."""
    return {"db": int(urlsplit(url).path.lstrip("/") or 0), **url_login_kwargs(url)}


def url_login_kwargs(url: str) -> dict[str, object]:
    """What a role's URL says of how to log in wherever its host is decided elsewhere (by the
    sentinels, or by the cluster's slot map): credentials and TLS."""
    parts = urlsplit(url)
    kwargs: dict[str, object] = {}
    if parts.username:
        kwargs["username"] = unquote(parts.username)
    if parts.password:
        kwargs["password"] = unquote(parts.password)
    if parts.scheme == "rediss":
        kwargs["ssl"] = True  # Sentinel's pool and RedisCluster then connect over TLS
    return kwargs


def cluster_kwargs(url: str, *, socket_timeout: float, ca_certs: str) -> dict[str, object]:
    """A cluster role's connection options: what its URL still says there (credentials and TLS;
    a cluster has database 0 only, and key prefixes instead of numbers), without the one-retry
    policy of the other roles: RedisCluster retries by itself, following MOVED and ASK redirections
    and re-reading the slot map after a failover."""
    kwargs = redis_connection_kwargs(url, socket_timeout=socket_timeout, ca_certs=ca_certs)
    del kwargs["retry"]
    return {**kwargs, **url_login_kwargs(url)}


def url_credentials(url: str) -> str:
    """The `user:password@` part of `url` (empty when it has none), to carry over to another."""
    credentials = urlsplit(url).netloc.rpartition("@")[0]
    return f"{credentials}@" if credentials else ""


def sentinel_location(url: str, master: str) -> str:
    """django-redis's Sentinel URL: the master's name where the host would be."""
    return f"redis://{url_credentials(url)}{master}{urlsplit(url).path or '/0'}"


def django_redis_cache(
    location: str,
    *,
    ignore_exceptions: bool,
    key_prefix: str,
    timeout: int,
    socket_timeout: float,
    ca_certs: str,
    sentinels: list[tuple[str, int]],
    sentinel_master: str,
    sentinel_password: str,
    cluster_nodes: list[tuple[str, int]],
    role: str,
    timed: bool,
) -> dict[str, object]:
    """One CACHES entry on django-redis for `role` (its name in core's registry): the pool options
    above, the Sentinel master, or the Redis Cluster of `cluster_nodes`. `timed`
    (METRICS_ENABLED): its client times each command under the role's name."""
    pool_kwargs = redis_connection_kwargs(
        location, socket_timeout=socket_timeout, ca_certs=ca_certs
    )
    options: dict[str, object] = {
        # No PARSER_CLASS: redis-py uses hiredis by itself when it is installed.
        "CLIENT_CLASS": PROJECT_CACHE_CLIENT,
        "IGNORE_EXCEPTIONS": ignore_exceptions,
        # JSON, not django-redis's default pickle: loading a pickle runs code, so anyone able to
        # write a key in Redis could run code in the web processes (core/cache_serializers.py).
        "SERIALIZER": f"{__package__}.cache_serializers.JSONSerializer",
    }
    if timed and not cluster_nodes:
        options["REDIS_CLIENT_CLASS"] = TIMED_REDIS_CLIENT
        options["REDIS_CLIENT_KWARGS"] = {"metrics_role": role}
    if cluster_nodes:
        # The client connects to the cluster itself (core/redis_clients.py). The cache and the
        # sessions share the cluster's one database: each role gets its own key prefix, which its
        # clear() deletes instead of running FLUSHDB.
        options["CLIENT_CLASS"] = CLUSTER_CACHE_CLIENT
        key_prefix = f"{key_prefix}:{role}"
    elif not sentinels:
        options["CONNECTION_POOL_CLASS"] = "redis.BlockingConnectionPool"
        options["CONNECTION_POOL_KWARGS"] = {
            "max_connections": MAX_CONNECTIONS_PER_ROLE,
            "timeout": 20,
            **pool_kwargs,
        }
    else:
        if location.startswith("rediss://"):
            pool_kwargs["ssl"] = True  # sentinel_location() below drops the scheme
        # The master only (DefaultClient, not SentinelClient): a read from a replica could miss
        # the write just made, e.g. the session saved by the previous request.
        options.update(
            CONNECTION_FACTORY="django_redis.pool.SentinelConnectionFactory",
            CONNECTION_POOL_CLASS="redis.sentinel.SentinelConnectionPool",
            CONNECTION_POOL_KWARGS={"max_connections": MAX_CONNECTIONS_PER_ROLE, **pool_kwargs},
            SENTINELS=sentinels,
            SENTINEL_KWARGS=sentinel_kwargs(
                socket_timeout=socket_timeout, password=sentinel_password
            ),
        )
        location = sentinel_location(location, sentinel_master)
    return {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": location,
        "KEY_PREFIX": key_prefix,
        "TIMEOUT": timeout,
        "OPTIONS": options,
    }
