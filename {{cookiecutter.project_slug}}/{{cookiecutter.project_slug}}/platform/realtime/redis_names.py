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


def stream_key(channel: str) -> str:
    return f"{settings.REALTIME_PREFIX}:replay:{channel}"


def stream_lease_key(user_id: int) -> str:
    """The user's open streams (leases), counted against REALTIME_MAX_STREAMS_PER_USER."""
    return f"{settings.REALTIME_PREFIX}:streams:user:{user_id}"


def stream_address_lease_key(address: str) -> str:
    """The open streams of one client address, counted against REALTIME_MAX_STREAMS_PER_ADDRESS
    (hashed: the address comes from the request)."""
    digest = hashlib.sha256(address.encode()).hexdigest()[:32]
    return f"{settings.REALTIME_PREFIX}:streams:address:{digest}"


def stream_credentials_key(user_id: int) -> str:
    """The fingerprint of the user's credentials that open streams compare at every renewal."""
    return f"{settings.REALTIME_PREFIX}:credentials:user:{user_id}"
