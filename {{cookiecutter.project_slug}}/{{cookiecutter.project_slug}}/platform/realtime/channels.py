"""Names. Pub/sub channels ignore Redis database numbers, so every name carries REALTIME_PREFIX."""

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


def stream_key(channel: str) -> str:
    return f"{settings.REALTIME_PREFIX}:replay:{channel}"


def stream_lease_key(user_id: int) -> str:
    """The user's open streams (leases), counted against REALTIME_MAX_STREAMS_PER_USER."""
    return f"{settings.REALTIME_PREFIX}:streams:user:{user_id}"
