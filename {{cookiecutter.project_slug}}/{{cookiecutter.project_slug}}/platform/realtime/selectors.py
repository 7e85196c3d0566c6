from typing import cast

from asgiref.sync import sync_to_async

from {{ cookiecutter.project_slug }}.platform.core.redis_clients import redis_client
from {{ cookiecutter.project_slug }}.platform.realtime.hub import LiveEvent
from {{ cookiecutter.project_slug }}.platform.realtime.redis_names import (
    address_connection_lease_key,
    connection_lease_key,
    replay_log_key,
)

ReplayLogEntries = list[tuple[bytes, dict[bytes, bytes]]]


def _replay(channel: str, after: str) -> list[LiveEvent]:
    entries = cast(
        ReplayLogEntries,
        redis_client("realtime").xrange(replay_log_key(channel), min=f"({after}", max="+"),
    )
    return [
        LiveEvent(
            id=entry_id.decode(), event=fields[b"event"].decode(), data=fields[b"data"].decode()
        )
        for entry_id, fields in entries
    ]


async def realtime_replay(*, channel: str, after: str) -> list[LiveEvent]:
    """Events of `channel` newer than `after` that are still in its replay log."""
    return await sync_to_async(_replay, thread_sensitive=False)(channel, after)


def _unexpired(key: str) -> int:
    client = redis_client("realtime")
    seconds, microseconds = client.time()
    now = seconds * 1000 + microseconds // 1000
    return int(client.zcount(key, f"({now}", "+inf"))


def connection_lease_count(*, user_id: int) -> int:
    """How many event streams the user has open across every process (unexpired connection
    leases)."""
    return _unexpired(connection_lease_key(user_id))


def address_connection_lease_count(*, address: str) -> int:
    """How many event streams are open from the client address across every process."""
    return _unexpired(address_connection_lease_key(address))
