"""One Redis subscription per process, fanned out to every connected client.

The hub subscribes once to the pattern of all this project's channels and hands each message to
the queues of the clients listening on its channel. A client's queue is bounded: when it is full
the oldest event is dropped, so a slow client can cost at most REALTIME_CLIENT_BUFFER events of
memory. When the subscription drops, the hub reconnects with backoff and tells every client that
events may have been missed (a `stream.gap` event), so pages can refetch.
"""

import asyncio
import contextvars
import json
import logging
from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.conf import settings
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from {{ cookiecutter.project_slug }}.platform.core.redis_clients import async_subscriber_client
from {{ cookiecutter.project_slug }}.platform.realtime.metrics import realtime_events_dropped
from {{ cookiecutter.project_slug }}.platform.realtime.redis_names import (
    channel_of,
    pubsub_pattern,
)

logger = logging.getLogger(__name__)

MAX_BACKOFF_SECONDS = 5.0
GAP_EVENT = "stream.gap"


@dataclass(frozen=True)
class LiveEvent:
    """An event as the event stream sends it to a browser; a domain event (core/events.py)
    becomes one in realtime_forward."""

    id: str | None
    event: str
    data: str  # JSON text

    @cached_property
    def sse(self) -> str:
        """The event as the stream sends it: built once, however many streams send it."""
        lines = [f"id: {self.id}"] if self.id else []
        lines += [f"event: {self.event}", f"data: {self.data}"]
        return "\n".join(lines) + "\n\n"


class ClientQueue(asyncio.Queue[LiveEvent]):
    def offer(self, event: LiveEvent) -> None:
        if self.full():
            self.get_nowait()  # the oldest event is lost, not the server's memory
            realtime_events_dropped.labels("client_buffer_full").inc()
        self.put_nowait(event)


class Hub:
    def __init__(self) -> None:
        self.clients: dict[str, set[ClientQueue]] = defaultdict(set)
        self.subscribed = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def subscribe(self, channel: str) -> ClientQueue:
        if self._task is None or self._task.done():
            # A context of its own: the hub serves every stream, not the one that started it (the
            # stream's request id and trace would be on the hub's lines for good).
            create_task = asyncio.get_running_loop().create_task
            self._task = contextvars.Context().run(create_task, self._run())
        queue = ClientQueue(maxsize=settings.REALTIME_CLIENT_BUFFER)
        self.clients[channel].add(queue)
        return queue

    async def wait_subscribed(self, timeout: float) -> None:
        """Give a starting hub a moment to subscribe, so the first client misses nothing."""
        try:
            await asyncio.wait_for(self.subscribed.wait(), timeout=timeout)
        except TimeoutError:
            logger.warning("Realtime subscriber not connected yet; streaming anyway")

    def unsubscribe(self, channel: str, queue: ClientQueue) -> None:
        listeners = self.clients.get(channel)
        if listeners is not None:
            listeners.discard(queue)
            if not listeners:
                del self.clients[channel]

    def client_count(self) -> int:
        return sum(len(queues) for queues in self.clients.values())

    def _dispatch(self, message: dict[str, Any]) -> None:
        payload = json.loads(message["data"])
        event = LiveEvent(
            id=payload["id"], event=payload["event"], data=json.dumps(payload["data"])
        )
        for queue in list(self.clients.get(channel_of(_text(message["channel"])), ())):
            queue.offer(event)

    def _announce_gap(self) -> None:
        gap = LiveEvent(id=None, event=GAP_EVENT, data='{"reason": "reconnected"}')
        for queues in list(self.clients.values()):
            for queue in list(queues):
                queue.offer(gap)

    async def _run(self) -> None:
        backoff, reconnecting = 0.1, False
        while True:
            client = async_subscriber_client(
                "realtime", client_name=f"{settings.REALTIME_PREFIX}:hub"
            )
            pubsub: Any = client.pubsub(ignore_subscribe_messages=True)
            try:
                await pubsub.psubscribe(pubsub_pattern())
                self.subscribed.set()
                if reconnecting:
                    self._announce_gap()
                backoff = 0.1
                await self._listen(pubsub)
            except (RedisConnectionError, RedisTimeoutError, OSError) as error:
                self.subscribed.clear()
                reconnecting = True
                logger.warning(
                    "Realtime subscriber lost Redis (%s); retry in %.1fs", error, backoff
                )
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF_SECONDS)
            finally:
                await pubsub.aclose()
                await client.aclose()

    async def _listen(self, pubsub: Any) -> None:
        while True:
            # A timeout, not a blocking read: between messages redis-py PINGs the connection
            # (health_check_interval), which is how a silently dead connection is found.
            message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=5.0)
            if message is not None and message["type"] == "pmessage":
                self._dispatch(message)


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


_hubs: dict[asyncio.AbstractEventLoop, Hub] = {}


def current_hub() -> Hub:
    """The hub of the running event loop (one per server process)."""
    loop = asyncio.get_running_loop()
    if loop not in _hubs:
        _hubs[loop] = Hub()
    return _hubs[loop]
