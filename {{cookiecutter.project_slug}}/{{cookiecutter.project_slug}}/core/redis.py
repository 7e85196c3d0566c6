"""The process-wide Redis clients, one connection pool per role.

Every module gets its Redis client here. A client is never built per request: a new client
costs a TCP (and TLS) handshake, about 20 times the cost of a pooled command.
"""

from django_redis import get_redis_connection
from redis import Redis


def cache_redis() -> Redis:
    """The cache role's client, sharing django-redis's pool for `CACHES["default"]`.

    Unlike the cache API it raises on errors, which is what a health check needs.
    """
    client: Redis = get_redis_connection("default")
    return client
