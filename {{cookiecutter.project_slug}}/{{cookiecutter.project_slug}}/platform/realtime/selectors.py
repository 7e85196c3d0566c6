from typing import cast

from asgiref.sync import sync_to_async

from {{ cookiecutter.project_slug }}.platform.core.redis_clients import redis_client
from {{ cookiecutter.project_slug }}.platform.realtime.hub import Event
from {{ cookiecutter.project_slug }}.platform.realtime.redis_names import (
    stream_address_lease_key,
    stream_key,
    stream_lease_key,
)

StreamEntries = list[tuple[bytes, dict[bytes, bytes]]]


def _replay(channel: str, after: str) -> list[Event]:
    entries = cast(
        StreamEntries,
        redis_client("realtime").xrange(stream_key(channel), min=f"({after}", max="+"),
    )
    return [
        Event(id=entry_id.decode(), event=fields[b"event"].decode(), data=fields[b"data"].decode())
        for entry_id, fields in entries
    ]


async def realtime_replay(*, channel: str, after: str) -> list[Event]:
    """Events of `channel` newer than `after` that are still in its replay stream."""
    return await sync_to_async(_replay, thread_sensitive=False)(channel, after)


def _unexpired(key: str) -> int:
    client = redis_client("realtime")
    seconds, microseconds = client.time()
    now = seconds * 1000 + microseconds // 1000
    return int(client.zcount(key, f"({now}", "+inf"))


def stream_lease_count(*, user_id: int) -> int:
    """How many streams the user has open across every process (unexpired leases)."""
    return _unexpired(stream_lease_key(user_id))


def stream_address_lease_count(*, address: str) -> int:
    """How many streams are open from the client address across every process."""
    return _unexpired(stream_address_lease_key(address))
