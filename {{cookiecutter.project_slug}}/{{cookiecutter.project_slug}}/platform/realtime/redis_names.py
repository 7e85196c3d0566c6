"""Names. Pub/sub channels ignore Redis database numbers, so every name carries REALTIME_PREFIX."""

import hashlib

from django.conf import settings


def user_channel(user_id: int) -> str:
    return f"user:{user_id}"


def pubsub_channel(channel: str) -> str:
    return f"{settings.REALTIME_PREFIX}:ch:{channel}"


def pubsub_pattern() -> str:
    """What the hub subscribes to: every channel of this project and environment, at once."""
    return f"{settings.REALTIME_PREFIX}:ch:*"


def channel_of(pubsub_name: str) -> str:
    return pubsub_name.removeprefix(f"{settings.REALTIME_PREFIX}:ch:")


def replay_log_key(channel: str) -> str:
    """The channel's replay log: a capped Redis Stream of its recent events, for Last-Event-ID."""
    return f"{settings.REALTIME_PREFIX}:replay:{channel}"


def connection_lease_key(user_id: int) -> str:
    """The user's connection leases, one per open event stream, counted against
    REALTIME_MAX_STREAMS_PER_USER. The key keeps its first name, so a rolling deploy counts old and
    new processes' event streams together."""
    return f"{settings.REALTIME_PREFIX}:streams:user:{user_id}"


def address_connection_lease_key(address: str) -> str:
    """The connection leases of one client address's open event streams, counted against
    REALTIME_MAX_STREAMS_PER_ADDRESS (hashed: the address comes from the request)."""
    digest = hashlib.sha256(address.encode()).hexdigest()[:32]
    return f"{settings.REALTIME_PREFIX}:streams:address:{digest}"


def stream_credentials_key(user_id: int) -> str:
    """The fingerprint of the user's credentials that open event streams compare at every
    connection lease renewal."""
    return f"{settings.REALTIME_PREFIX}:credentials:user:{user_id}"
