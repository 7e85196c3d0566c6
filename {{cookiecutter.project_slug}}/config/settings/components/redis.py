"""Redis roles, each on its own database number (see the README's Redis section).

`cache.clear()` runs FLUSHDB, so the cache never shares a database with another role. Every
client is built by `<slug>.core.redis_clients` from these settings, once per process per role.
"""

from urllib.parse import unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured
from redis.backoff import ExponentialWithJitterBackoff, NoBackoff
from redis.retry import Retry

from config.env import dev_default, env, redis_url_with_db

# The durable role (application data such as the direct-access examples) lives on REDIS_URL
# itself; every other role defaults to the same server on its own database number.
REDIS_URL = env.str("REDIS_URL", default=dev_default("redis://127.0.0.1:6379/0"))
REDIS_CACHE_URL = env.str("REDIS_CACHE_URL", default=redis_url_with_db(REDIS_URL, 1))
{%- if cookiecutter.session_backend != "database" %}
REDIS_SESSIONS_URL = env.str("REDIS_SESSIONS_URL", default=redis_url_with_db(REDIS_URL, 2))
{%- endif %}
{%- if cookiecutter.use_celery == "y" %}
# Databases 3 and 4 belong to Celery (components/celery.py).
{%- endif %}
REDIS_RATELIMIT_URL = env.str("REDIS_RATELIMIT_URL", default=redis_url_with_db(REDIS_URL, 5))
{%- if cookiecutter.use_realtime == "y" %}
# Pub/sub ignores database numbers (channels carry REALTIME_PREFIX); the replay streams use db 6.
REDIS_REALTIME_URL = env.str("REDIS_REALTIME_URL", default=redis_url_with_db(REDIS_URL, 6))
{%- endif %}

# Short socket timeouts: a Redis that stops answering costs a request seconds, not minutes.
REDIS_SOCKET_TIMEOUT = env.float("REDIS_SOCKET_TIMEOUT", default=2.0)
# rediss:// verifies the server certificate against the system CAs, or this bundle when set.
REDIS_SSL_CA_CERTS = env.str("REDIS_SSL_CA_CERTS", default="")
CACHE_KEY_PREFIX = env.str("CACHE_KEY_PREFIX", default="{{ cookiecutter.project_slug }}")


def sentinel_address(entry: str) -> tuple[str, int]:
    host, _, port = entry.strip().rpartition(":")
    if not host or not port.isdigit():
        raise ImproperlyConfigured(
            f"REDIS_SENTINELS entry {entry!r} is not host:port (e.g. sentinel-1:26379)."
        )
    return host, int(port)


# Redis Sentinel (README: Scaling out). With REDIS_SENTINELS set, every role connects to the
# master the sentinels currently name REDIS_SENTINEL_MASTER, and follows it through a failover;
# each role's URL then only gives its database number, password and scheme (rediss:// for TLS).
REDIS_SENTINELS = [sentinel_address(entry) for entry in env.list("REDIS_SENTINELS", default=[])]
REDIS_SENTINEL_MASTER = env.str("REDIS_SENTINEL_MASTER", default="")
REDIS_SENTINEL_PASSWORD = env.str("REDIS_SENTINEL_PASSWORD", default="")
if REDIS_SENTINELS and not REDIS_SENTINEL_MASTER:
    raise ImproperlyConfigured(
        "REDIS_SENTINELS is set but REDIS_SENTINEL_MASTER is not: set it to the master's name "
        "in the sentinels' configuration (sentinel monitor <name> ...)."
    )
CACHE_TIMEOUT = env.int("CACHE_TIMEOUT", default=300)


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
    parts = urlsplit(url)
    kwargs: dict[str, object] = {"db": int(parts.path.lstrip("/") or 0)}
    if parts.username:
        kwargs["username"] = unquote(parts.username)
    if parts.password:
        kwargs["password"] = unquote(parts.password)
    if parts.scheme == "rediss":
        kwargs["ssl"] = True  # the Sentinel pool then uses its TLS connection class
    return kwargs


def url_credentials(url: str) -> str:
    """The `user:password@` part of `url` (empty when it has none), to carry over to another."""
    credentials = urlsplit(url).netloc.rpartition("@")[0]
    return f"{credentials}@" if credentials else ""


def sentinel_location(url: str, master: str) -> str:
    """django-redis's Sentinel URL: the master's name where the host would be."""
    return f"redis://{url_credentials(url)}{master}{urlsplit(url).path or '/0'}"


def django_redis_cache(location: str, *, ignore_exceptions: bool) -> dict[str, object]:
    pool_kwargs = redis_connection_kwargs(
        location, socket_timeout=REDIS_SOCKET_TIMEOUT, ca_certs=REDIS_SSL_CA_CERTS
    )
    options: dict[str, object] = {
        # No PARSER_CLASS: redis-py uses hiredis by itself when it is installed.
        "CLIENT_CLASS": "django_redis.client.DefaultClient",
        "IGNORE_EXCEPTIONS": ignore_exceptions,
        # JSON, not django-redis's default pickle: loading a pickle runs code, so anyone able to
        # write a key in Redis could run code in the web processes (core/cache_serializers.py).
        "SERIALIZER": "{{ cookiecutter.project_slug }}.core.cache_serializers.JSONSerializer",
    }
    if not REDIS_SENTINELS:
        options["CONNECTION_POOL_CLASS"] = "redis.BlockingConnectionPool"
        options["CONNECTION_POOL_KWARGS"] = {"max_connections": 50, "timeout": 20, **pool_kwargs}
    else:
        if location.startswith("rediss://"):
            pool_kwargs["ssl"] = True  # sentinel_location() below drops the scheme
        # The master only (DefaultClient, not SentinelClient): a read from a replica could miss
        # the write just made, e.g. the session saved by the previous request.
        options.update(
            CONNECTION_FACTORY="django_redis.pool.SentinelConnectionFactory",
            CONNECTION_POOL_CLASS="redis.sentinel.SentinelConnectionPool",
            CONNECTION_POOL_KWARGS={"max_connections": 50, **pool_kwargs},
            SENTINELS=REDIS_SENTINELS,
            SENTINEL_KWARGS=sentinel_kwargs(
                socket_timeout=REDIS_SOCKET_TIMEOUT, password=REDIS_SENTINEL_PASSWORD
            ),
        )
        location = sentinel_location(location, REDIS_SENTINEL_MASTER)
    return {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": location,
        "KEY_PREFIX": CACHE_KEY_PREFIX,
        "TIMEOUT": CACHE_TIMEOUT,
        "OPTIONS": options,
    }


CACHES = {
    # A cache outage degrades to cache misses instead of errors...
    "default": django_redis_cache(REDIS_CACHE_URL, ignore_exceptions=True),
{%- if cookiecutter.session_backend != "database" %}
    # ...but a session store that silently dropped writes would log users out at random.
    "sessions": django_redis_cache(REDIS_SESSIONS_URL, ignore_exceptions=False),
{%- endif %}
}
# ...and is logged, so the outage is visible (the health check reports it too).
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
DJANGO_REDIS_LOGGER = "{{ cookiecutter.project_slug }}.cache"
