"""Per-user cache of the notes reads, invalidated by bumping a per-user version.

Every cached read of a user's notes has that user's version in its key; a write bumps the
version (one INCR), and the old entries are never read again and expire with their TTL. A
Redis outage or eviction can therefore make entries unreachable, never stale beyond the TTL.
"""

import time
from collections.abc import Iterable

from django.conf import settings
from django.core.cache import cache

NOTES_CACHE_TTL = settings.CACHE_TIMEOUT


def _version_key(owner_id: int) -> str:
    return f"notes:owner:{owner_id}:version"


def notes_cache_version(*, owner_id: int) -> int:
    key = _version_key(owner_id)
    version = cache.get(key)
    if version is None:
        # A lost version key must not bring back entries cached under an old one.
        cache.add(key, time.time_ns(), timeout=None)
        version = cache.get(key)
    return int(version or 0)


def notes_cache_key(*, owner_id: int, kind: str, parts: Iterable[object] = ()) -> str:
    version = notes_cache_version(owner_id=owner_id)
    suffix = ":".join(str(part) for part in parts)
    return f"notes:owner:{owner_id}:v{version}:{kind}:{suffix}"


def notes_cache_invalidate(*, owner_id: int) -> None:
    key = _version_key(owner_id)
    try:
        cache.incr(key)
    except ValueError:  # no version yet: any new one differs from what readers could have used
        cache.add(key, time.time_ns(), timeout=None)
