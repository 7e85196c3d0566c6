"""Redis roles, each on its own database number (see the README's Redis section).

`cache.clear()` runs FLUSHDB, so the cache never shares a database with another role.
"""

from config.env import dev_default, env, redis_url_with_db

REDIS_URL = env.str("REDIS_URL", default=dev_default("redis://127.0.0.1:6379/0"))
REDIS_CACHE_URL = env.str("REDIS_CACHE_URL", default=redis_url_with_db(REDIS_URL, 1))
{%- if cookiecutter.session_backend != "database" %}
REDIS_SESSIONS_URL = env.str("REDIS_SESSIONS_URL", default=redis_url_with_db(REDIS_URL, 2))
{%- endif %}

# Short socket timeouts: a Redis that stops answering costs a request seconds, not minutes.
REDIS_SOCKET_TIMEOUT = env.float("REDIS_SOCKET_TIMEOUT", default=2.0)
CACHE_KEY_PREFIX = env.str("CACHE_KEY_PREFIX", default="{{ cookiecutter.project_slug }}")


def django_redis_cache(location: str, *, ignore_exceptions: bool) -> dict[str, object]:
    return {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": location,
        "KEY_PREFIX": CACHE_KEY_PREFIX,
        "OPTIONS": {
            # No PARSER_CLASS: redis-py uses hiredis by itself when it is installed.
            "CLIENT_CLASS": "django_redis.client.DefaultClient",
            "CONNECTION_POOL_CLASS": "redis.BlockingConnectionPool",
            "CONNECTION_POOL_KWARGS": {"max_connections": 50, "timeout": 20},
            "SOCKET_CONNECT_TIMEOUT": REDIS_SOCKET_TIMEOUT,
            "SOCKET_TIMEOUT": REDIS_SOCKET_TIMEOUT,
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
