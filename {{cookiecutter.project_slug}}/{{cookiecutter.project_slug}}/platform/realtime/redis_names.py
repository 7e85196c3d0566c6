"""Names. Pub/sub channels ignore Redis database numbers, so every name carries REALTIME_PREFIX.

On a Redis Cluster the names that one script touches together share a hash tag (`hash_tag()`,
braces on a cluster only): a channel's pub/sub name and its replay log (the publish script), a
user's connection leases and credentials fingerprint (the lease renewal). A client address's
leases are another slot: services.py takes and renews them in a step of their own.
"""

import hashlib

from django.conf import settings

from {{ cookiecutter.project_slug }}.platform.core.redis_clients import hash_tag


def user_channel(user_id: int) -> str:
    return f"user:{user_id}"


def pubsub_channel(channel: str) -> str:
    return f"{settings.REALTIME_PREFIX}:ch:{hash_tag(channel)}"


def pubsub_pattern() -> str:
    """What the hub subscribes to where it can (not on a cluster: core/redis_channels.py): every
    channel of this project and environment, at once."""
    return f"{settings.REALTIME_PREFIX}:ch:*"


def replay_log_key(channel: str) -> str:
    """The channel's replay log: a capped Redis Stream of its recent events, for Last-Event-ID."""
    return f"{settings.REALTIME_PREFIX}:replay:{hash_tag(channel)}"


def _user_tag(user_id: int) -> str:
    return hash_tag(user_channel(user_id))


def connection_lease_key(user_id: int) -> str:
    """The user's connection leases, one per open event stream, counted against
    REALTIME_MAX_STREAMS_PER_USER. The key keeps its first name (without a cluster), so a rolling
    deploy counts old and new processes' event streams together."""
    return f"{settings.REALTIME_PREFIX}:streams:{_user_tag(user_id)}"


def address_connection_lease_key(address: str) -> str:
    """The connection leases of one client address's open event streams, counted against
    REALTIME_MAX_STREAMS_PER_ADDRESS (hashed: the address comes from the request)."""
    digest = hashlib.sha256(address.encode()).hexdigest()[:32]
    return f"{settings.REALTIME_PREFIX}:streams:address:{digest}"


def stream_credentials_key(user_id: int) -> str:
    """The fingerprint of the user's credentials that open event streams compare at every
    connection lease renewal."""
    return f"{settings.REALTIME_PREFIX}:credentials:{_user_tag(user_id)}"


def publish_sample_names() -> list[str]:
    """The names the publish script touches together, for a sample channel (check_redis)."""
    return [replay_log_key(user_channel(1)), pubsub_channel(user_channel(1))]


def renewal_sample_keys() -> list[str]:
    """The keys a lease renewal's user step touches together, for a sample user (check_redis)."""
    return [connection_lease_key(1), stream_credentials_key(1)]
