"""Publishing on a role's pub/sub channels and listening to them, on a standalone or Sentinel
Redis or on a Redis Cluster. core/redis_clients.py alone decides which a role gets.

- A standalone or Sentinel Redis: PUBLISH, and one connection with one pattern subscription
  (PSUBSCRIBE) that covers every channel, so adding a listened channel costs nothing.
- A Redis Cluster: sharded pub/sub. A cluster broadcasts a PUBLISH to every node over its bus
  (the only way a pattern subscription can see it); SPUBLISH goes only to the shard that owns the
  channel's slot, so pub/sub grows with the shards. Shard channels have no patterns (there is no
  PSSUBSCRIBE): the subscriber subscribes (SSUBSCRIBE) to each channel that has listeners, on a
  connection to the primary that owns the channel's slot (one connection per primary, found
  through the cluster's slot map), and unsubscribes when its last listener leaves.

Not redis-py's own asyncio cluster pub/sub (`RedisCluster.pubsub()`, new in redis-py 8.0): it
re-subscribes after a failover or a slot move by itself and says nothing, where a listener must
learn that its subscription lapsed, to tell its clients they may have missed messages. Here any
lapse ends `run()` with the error; the caller starts a new subscriber.
"""

import asyncio
import contextlib
from collections import Counter
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any, Protocol

from redis import Redis
from redis import asyncio as aioredis
from redis.asyncio.client import PubSub
from redis.asyncio.cluster import RedisCluster as AsyncRedisCluster
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisClusterException, RedisError

# A read waits at most this long: between messages redis-py PINGs the connection
# (health_check_interval), which is how a silently dead connection is found.
READ_SLICE_SECONDS = 5.0
# What a subscription lapses with: the cluster's "no node answers" is not a RedisError.
SUBSCRIPTION_ERRORS = (RedisError, RedisClusterException, OSError)

# Called with each message's channel and data (as published).
Deliver = Callable[[str, bytes], None]


@dataclass(frozen=True)
class ChannelPublisher:
    """How a role publishes. `command` is for scripts that publish too (redis.call(command, ...)):
    SPUBLISH on a cluster, where the script's keys must share the channel's slot."""

    client: Redis
    command: str

    def publish(self, channel: str, message: str) -> int:
        # redis-py 8.2 ships types and 8.1 does not: the ignore holds for both.
        sent = self.client.execute_command(self.command, channel, message)  # type: ignore[no-untyped-call, unused-ignore]
        return int(sent)


class ChannelSubscriber(Protocol):
    """A process's long-lived listener to a role's channels."""

    async def start(self, channels: Collection[str]) -> None:
        """Connect and listen to `channels` (or to every channel, by pattern, where possible)."""

    async def add(self, channel: str) -> None:
        """Listen to `channel` too (a lapse shows in run(), never here)."""

    async def remove(self, channel: str) -> None:
        """Stop listening to `channel` (a lapse shows in run(), never here)."""

    async def run(self) -> None:
        """Deliver messages until the subscription lapses, then raise why."""

    async def aclose(self) -> None: ...


class PatternSubscriber:
    """One connection, one PSUBSCRIBE to `pattern`: every channel at once."""

    def __init__(self, client: aioredis.Redis, *, pattern: str, deliver: Deliver) -> None:
        self._client, self._pattern, self._deliver = client, pattern, deliver
        self._pubsub: PubSub | None = None

    async def start(self, channels: Collection[str]) -> None:
        self._pubsub = self._client.pubsub(ignore_subscribe_messages=True)
        await self._pubsub.psubscribe(self._pattern)

    async def add(self, channel: str) -> None:
        return None  # the pattern covers it

    async def remove(self, channel: str) -> None:
        return None

    async def run(self) -> None:
        assert self._pubsub is not None, "start() first"
        while True:
            message = await self._pubsub.get_message(
                ignore_subscribe_messages=True, timeout=READ_SLICE_SECONDS
            )
            if message is not None and message["type"] == "pmessage":
                self._deliver(_text(message["channel"]), message["data"])

    async def aclose(self) -> None:
        if self._pubsub is not None:
            await self._pubsub.aclose()  # type: ignore[no-untyped-call, unused-ignore]
        await self._client.aclose()


class ShardedSubscriber:
    """SSUBSCRIBE per channel, each on a connection to the primary that owns its slot.

    The slot map is read once, at start(): a failover or a slot move ends the subscription (the
    owner's connection drops, or the owner tells its subscribers it gave the slot up with a
    SUNSUBSCRIBE they did not ask for), and the caller's next subscriber reads the new map."""

    def __init__(
        self,
        cluster: AsyncRedisCluster,
        *,
        node_client: Callable[[str, int], aioredis.Redis],
        deliver: Deliver,
    ) -> None:
        self._cluster, self._node_client, self._deliver = cluster, node_client, deliver
        self._nodes: dict[str, tuple[aioredis.Redis, PubSub]] = {}  # by node name (host:port)
        self._node_of: dict[str, str] = {}  # channel: its node's name
        # SUNSUBSCRIBEs sent whose confirmations are not read yet: any other is the node's own.
        self._leaving: Counter[str] = Counter()
        self._readers: set[asyncio.Task[None]] = set()
        self._lapsed: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    async def start(self, channels: Collection[str]) -> None:
        await self._cluster.initialize()  # the slot map
        for channel in channels:
            await self._subscribe(channel)

    async def add(self, channel: str) -> None:
        if channel in self._node_of or self._lapsed.done():
            return
        try:
            await self._subscribe(channel)
        except SUBSCRIPTION_ERRORS as error:
            self._lapse(error)

    async def remove(self, channel: str) -> None:
        name = self._node_of.pop(channel, None)
        if name is None or self._lapsed.done():
            return
        self._leaving[channel] += 1
        try:
            await self._nodes[name][1].sunsubscribe(channel)
        except SUBSCRIPTION_ERRORS as error:
            self._lapse(error)

    async def run(self) -> None:
        await self._lapsed

    async def aclose(self) -> None:
        for reader in self._readers:
            reader.cancel()
        await asyncio.gather(*self._readers, return_exceptions=True)
        for client, pubsub in self._nodes.values():
            with contextlib.suppress(*SUBSCRIPTION_ERRORS):
                await pubsub.aclose()  # type: ignore[no-untyped-call, unused-ignore]
            await client.aclose()
        await self._cluster.aclose()
        if self._lapsed.done() and not self._lapsed.cancelled():
            self._lapsed.exception()  # seen: asyncio need not log it as never retrieved

    async def _subscribe(self, channel: str) -> None:
        node: Any = self._cluster.get_node_from_key(channel)  # the primary
        new = node.name not in self._nodes
        if new:
            client = self._node_client(node.host, node.port)
            self._nodes[node.name] = (client, client.pubsub())
        pubsub = self._nodes[node.name][1]
        await pubsub.ssubscribe(channel)
        self._node_of[channel] = node.name
        if new:  # a pubsub is read once it has a connection: after its first SSUBSCRIBE
            reader = asyncio.get_running_loop().create_task(self._read(pubsub))
            self._readers.add(reader)

    async def _read(self, pubsub: PubSub) -> None:
        try:
            while True:
                message = await pubsub.get_message(timeout=READ_SLICE_SECONDS)
                if message is None:
                    continue
                if message["type"] == "smessage":
                    self._deliver(_text(message["channel"]), message["data"])
                elif message["type"] == "sunsubscribe":
                    self._left(_text(message["channel"]))
        except SUBSCRIPTION_ERRORS as error:
            self._lapse(error)

    def _left(self, channel: str) -> None:
        if self._leaving[channel] > 0:
            self._leaving[channel] -= 1
            if not self._leaving[channel]:
                del self._leaving[channel]
            return
        # Not asked for: the node no longer owns the slot (a failover demoted it, or the slot
        # moved); the channel's messages now go to another node.
        self._lapse(RedisConnectionError(f"The shard channel {channel} left its node"))

    def _lapse(self, error: BaseException) -> None:
        if not self._lapsed.done():
            self._lapsed.set_exception(error)


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
