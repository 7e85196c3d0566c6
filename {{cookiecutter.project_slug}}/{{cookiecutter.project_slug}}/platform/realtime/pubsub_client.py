"""The asyncio Redis client of the realtime role's one subscriber per process (the SSE hub)."""

from typing import Any

from django.conf import settings
from redis import asyncio as aioredis
from redis.asyncio.retry import Retry as AsyncRetry
from redis.asyncio.sentinel import Sentinel as AsyncSentinel
from redis.backoff import NoBackoff

from {{ cookiecutter.project_slug }}.platform.core.redis_clients import sentinel_connection_kwargs
from {{ cookiecutter.project_slug }}.platform.core.redis_config import (
    redis_connection_kwargs,
    sentinel_master_kwargs,
)


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
