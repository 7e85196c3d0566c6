"""Per-user cache of the notes reads: what the API answers, checked against a per-user version.

What is cached is the API's own output (dicts and lists of JSON types, and a list page's notes as
the JSON text the API sends, core/renderers.py; the cache stores JSON, core/cache_serializers.py),
never model instances: a value in Redis is data, not code, and an entry cached before a deploy
that changes the model reads back as plain data, not a broken object.

Each entry carries the owner's version from when it was read from Postgres; a write bumps the
version (one INCR) and every older entry reads as a miss and is overwritten. The version is in
the value, not the key, so a read has one key however many writes come between, and a hit is one
round trip (the version and the entry in one MGET). A lost version key is replaced by a new one
(a timestamp) that no entry carries; a lost invalidation (Redis unreachable during a write) is
bounded by the TTL.

Bounded per user: the cache holds at most NOTES_CACHED_PAGES list pages of the default page size
and one entry per note read. Other pages and page sizes are read from Postgres, so a client
cannot store a copy of its notes per page size, or per version by alternating writes and reads.
"""

import time
from collections.abc import Callable, Iterable
from typing import TypeVar, cast

from django.conf import settings
from django.core.cache import cache

from {{ cookiecutter.project_slug }}.platform.core.pagination import DEFAULT_PAGE_SIZE

NOTES_CACHE_TTL = settings.CACHE_TIMEOUT
# Pages 1-5 of 20 notes: what a client browsing its recent notes reads again and again.
NOTES_CACHED_PAGES = 5
NOTES_CACHED_PAGE_SIZE = DEFAULT_PAGE_SIZE

Data = TypeVar("Data")


def _version_key(owner_id: int) -> str:
    return f"notes:owner:{owner_id}:version"


def _is_version(value: object) -> bool:
    return type(value) is int  # not bool, nor anything else planted under the key


def notes_cache_version(*, owner_id: int) -> int:
    key = _version_key(owner_id)
    version = cache.get(key)
    if _is_version(version):
        return cast(int, version)
    # Missing (evicted, Redis restarted) or unreadable: a new version, which no entry carries.
    fresh = time.time_ns()
    if cache.add(key, fresh, timeout=None):
        return fresh
    version = cache.get(key)  # a concurrent reader added one first: use it
    if _is_version(version):
        return cast(int, version)
    cache.set(key, fresh, timeout=None)  # not a number: not ours, replace it
    return fresh


def notes_cache_key(*, owner_id: int, kind: str, parts: Iterable[object] = ()) -> str:
    suffix = ":".join(str(part) for part in parts)
    return f"notes:owner:{owner_id}:{kind}:{suffix}"


def notes_page_is_cached(*, page: int, page_size: int) -> bool:
    return page_size == NOTES_CACHED_PAGE_SIZE and page <= NOTES_CACHED_PAGES


def notes_cache_read(*, owner_id: int, key: str, compute: Callable[[], Data]) -> Data:
    """The entry at `key` if it was cached at the owner's current version; otherwise `compute()`
    (JSON data), cached with that version."""
    version_key = _version_key(owner_id)
    found = cache.get_many([version_key, key])
    version = found.get(version_key)
    if _is_version(version):
        entry = found.get(key)
        if isinstance(entry, dict) and entry.get("version") == version and "data" in entry:
            return cast(Data, entry["data"])
    else:
        version = notes_cache_version(owner_id=owner_id)
    data = compute()
    cache.set(key, {"version": version, "data": data}, NOTES_CACHE_TTL)
    return data


def notes_cache_invalidate(*, owner_id: int) -> None:
    key = _version_key(owner_id)
    try:
        cache.incr(key)
    except ValueError:  # no version yet: any new one differs from what readers could have used
        cache.add(key, time.time_ns(), timeout=None)
