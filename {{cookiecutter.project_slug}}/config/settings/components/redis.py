"""Redis roles, each on its own database number (see the README's Redis section).

`cache.clear()` runs FLUSHDB, so the cache never shares a database with another role. Every
client is built by `<slug>.core.redis_clients` from these settings, once per process per role.
"""

from redis.backoff import ExponentialWithJitterBackoff
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


def django_redis_cache(location: str, *, ignore_exceptions: bool) -> dict[str, object]:
    return {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": location,
        "KEY_PREFIX": CACHE_KEY_PREFIX,
        "TIMEOUT": CACHE_TIMEOUT,
        "OPTIONS": {
            # No PARSER_CLASS: redis-py uses hiredis by itself when it is installed.
            "CLIENT_CLASS": "django_redis.client.DefaultClient",
            "CONNECTION_POOL_CLASS": "redis.BlockingConnectionPool",
            "CONNECTION_POOL_KWARGS": {
                "max_connections": 50,
                "timeout": 20,
                **redis_connection_kwargs(
                    location,
                    socket_timeout=REDIS_SOCKET_TIMEOUT,
                    ca_certs=REDIS_SSL_CA_CERTS,
                ),
            },
            "IGNORE_EXCEPTIONS": ignore_exceptions,
        },
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
