"""One Redis subscriber per process, fanned out to every connected client.

The hub listens to the channels of the clients it holds, through the subscriber the Redis clients
module gives the realtime role (core/redis_channels.py): one pattern subscription to all this
project's channels on a standalone or Sentinel Redis; on a Redis Cluster, a sharded subscription
per channel with clients here, made on its first client and dropped with its last. It hands each
message to the queues of the clients listening on its channel. A client's queue is bounded: when
it is full the oldest event is dropped, so a slow client can cost at most REALTIME_CLIENT_BUFFER
events of memory. When the subscription lapses (Redis lost, a failover, a slot moved), the hub
subscribes again with backoff and tells every client that events may have been missed (a
`stream.gap` event), so pages can refetch.
"""

import asyncio
import contextvars
import json
import logging
from collections import defaultdict, deque
from dataclasses import dataclass
from functools import cached_property

from django.conf import settings

from {{ cookiecutter.project_slug }}.platform.core.redis_channels import (
    SUBSCRIPTION_ERRORS,
    ChannelSubscriber,
)
from {{ cookiecutter.project_slug }}.platform.core.redis_clients import channel_subscriber
from {{ cookiecutter.project_slug }}.platform.realtime.metrics import realtime_events_dropped
from {{ cookiecutter.project_slug }}.platform.realtime.redis_names import (
    pubsub_channel,
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


class ClientQueue:
    """One stream's events waiting to be sent, at most `maxsize`: a deque and the one reader's
    wake-up. (An asyncio.Queue keeps three deques and an Event for the same job: 2 KiB more per
    open stream, and more work per event.)"""

    __slots__ = ("_events", "_reader")

    def __init__(self, maxsize: int) -> None:
        self._events: deque[LiveEvent] = deque(maxlen=maxsize)
        self._reader: asyncio.Future[None] | None = None

    def offer(self, event: LiveEvent) -> None:
        if len(self._events) == self._events.maxlen:
            # The deque drops the oldest event: it is lost, not the server's memory.
            realtime_events_dropped.labels("client_buffer_full").inc()
        self._events.append(event)
        if self._reader is not None and not self._reader.done():
            self._reader.set_result(None)

    def empty(self) -> bool:
        return not self._events

    async def get(self) -> LiveEvent:
        while not self._events:
            self._reader = asyncio.get_running_loop().create_future()
            try:
                await self._reader
            finally:
                self._reader = None
        return self._events.popleft()


class Hub:
    def __init__(self) -> None:
        # By pub/sub channel name (redis_names.pubsub_channel), as messages name their channel.
        self.clients: dict[str, set[ClientQueue]] = defaultdict(set)
        self.subscribed = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._subscriber: ChannelSubscriber | None = None
        # Held while the subscriber's channels change, so that each change reads self.clients
        # as it is when made, and a new subscriber starts from all of them.
        self._changing = asyncio.Lock()
        self._following: dict[str, asyncio.Task[None]] = {}

    def subscribe(self, channel: str) -> ClientQueue:
        if self._task is None or self._task.done():
            # A context of its own: the hub serves every stream, not the one that started it (the
            # stream's request id and trace would be on the hub's lines for good).
            create_task = asyncio.get_running_loop().create_task
            self._task = contextvars.Context().run(create_task, self._run())
        queue = ClientQueue(maxsize=settings.REALTIME_CLIENT_BUFFER)
        name = pubsub_channel(channel)
        first = name not in self.clients
        self.clients[name].add(queue)
        if first:
            self._follow(name)
        return queue

    async def wait_subscribed(self, channel: str, timeout: float) -> None:
        """Give a starting hub, or a new channel's subscription, a moment, so the first client
        misses nothing."""
        try:
            await asyncio.wait_for(self._ready(pubsub_channel(channel)), timeout=timeout)
        except TimeoutError:
            logger.warning("Realtime subscriber not connected yet; streaming anyway")

    async def _ready(self, name: str) -> None:
        await self.subscribed.wait()
        following = self._following.get(name)
        if following is not None:
            await asyncio.shield(following)  # a timed-out wait leaves the subscription be

    def unsubscribe(self, channel: str, queue: ClientQueue) -> None:
        name = pubsub_channel(channel)
        listeners = self.clients.get(name)
        if listeners is not None:
            listeners.discard(queue)
            if not listeners:
                del self.clients[name]
                self._follow(name)

    def client_count(self) -> int:
        return sum(len(queues) for queues in self.clients.values())

    def _follow(self, name: str) -> None:
        """Have the subscriber listen to channel `name` or not, as its clients here say by the
        time the change is made (a client may come or go meanwhile)."""
        task = asyncio.get_running_loop().create_task(self._sync_channel(name))
        self._following[name] = task
        task.add_done_callback(lambda done: self._forget_follow(name, done))

    def _forget_follow(self, name: str, task: "asyncio.Task[None]") -> None:
        if self._following.get(name) is task:
            del self._following[name]

    async def _sync_channel(self, name: str) -> None:
        async with self._changing:
            if self._subscriber is None:
                return  # the next subscriber starts from self.clients
            if name in self.clients:
                await self._subscriber.add(name)
            else:
                await self._subscriber.remove(name)

    def _dispatch(self, channel: str, data: bytes) -> None:
        listeners = self.clients.get(channel)
        if not listeners:  # a pattern delivers every channel's messages: most have no client here
            return
        payload = json.loads(data)
        event = LiveEvent(
            id=payload["id"], event=payload["event"], data=json.dumps(payload["data"])
        )
        for queue in list(listeners):
            queue.offer(event)

    def _announce_gap(self) -> None:
        gap = LiveEvent(id=None, event=GAP_EVENT, data='{"reason": "reconnected"}')
        for queues in list(self.clients.values()):
            for queue in list(queues):
                queue.offer(gap)

    async def _run(self) -> None:
        backoff, reconnecting = 0.1, False
        while True:
            subscriber = channel_subscriber(
                "realtime",
                pattern=pubsub_pattern(),
                client_name=f"{settings.REALTIME_PREFIX}:hub",
                deliver=self._dispatch,
            )
            try:
                async with self._changing:
                    await subscriber.start(list(self.clients))
                    self._subscriber = subscriber
                self.subscribed.set()
                if reconnecting:
                    self._announce_gap()
                backoff = 0.1
                await subscriber.run()
            except SUBSCRIPTION_ERRORS as error:
                self.subscribed.clear()
                reconnecting = True
                logger.warning(
                    "Realtime subscriber lost Redis (%s); retry in %.1fs", error, backoff
                )
            finally:
                self._subscriber = None
                await subscriber.aclose()
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, MAX_BACKOFF_SECONDS)


_hubs: dict[asyncio.AbstractEventLoop, Hub] = {}


def current_hub() -> Hub:
    """The hub of the running event loop (one per server process)."""
    loop = asyncio.get_running_loop()
    if loop not in _hubs:
        _hubs[loop] = Hub()
    return _hubs[loop]
