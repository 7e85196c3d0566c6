"""Per-owner cache of an app's reads: what the API answers, checked against a per-owner version.

What is cached is the API's own output (dicts and lists of JSON types, and a list page's items as
the JSON text the API sends, core/renderers.py; the cache stores JSON, core/cache_serializers.py),
never model instances: a value in Redis is data, not code, and an entry cached before a deploy
that changes the model reads back as plain data, not a broken object.

Each entry carries the owner's version from when it was read from the database; a write bumps the
version (one INCR) and every older entry reads as a miss and is overwritten. The version is in
the value, not the key, so a read has one key however many writes come between, and a hit is one
round trip (the version and the entry in one MGET). A lost version key is replaced by a new one
(a timestamp) that no entry carries; a lost invalidation (Redis unreachable during a write) is
bounded by the TTL. With the cache's Redis down every read is a miss answered by `compute()`.

Bounded per owner: at most `pages` list pages of `page_size` items and one entry per item read.
Other pages and page sizes are read from the database, so a client cannot store a copy of its
list per page size, or per version by alternating writes and reads.

    notes_cache = OwnerCache(namespace="notes")

    def note_list_page(*, owner: User, page: int, page_size: int) -> CachedPage:
        def read() -> CachedPage:
            rows = note_list(owner=owner)
            return encoded_page(
                rows, page=page, page_size=page_size, serializer_class=NoteOutputSerializer
            )

        return notes_cache.page(owner_id=owner.pk, page=page, page_size=page_size, compute=read)

    # in each service that changes an owner's rows:
    notes_cache.invalidate_on_commit(owner_id=owner.pk)
"""

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypedDict, TypeVar, cast

from django.conf import settings
from django.core.cache import BaseCache, caches
from django.db import transaction

from {{ cookiecutter.project_slug }}.platform.core.pagination import DEFAULT_PAGE_SIZE
from {{ cookiecutter.project_slug }}.platform.core.renderers import EncodedJSON

Data = TypeVar("Data")


class CachedPage(TypedDict):
    """One list page as the API answers it."""

    count: int
    # The page's items as the JSON text the API sends (core/renderers.py): cached as that text,
    # a cached page is sent without being decoded and encoded again.
    results: EncodedJSON


def _is_version(value: object) -> bool:
    return type(value) is int  # not bool, nor anything else planted under the key


@dataclass(frozen=True)
class OwnerCache:
    """The cached reads of one app's rows, per owner (a user id, a team id: whoever's writes
    change them).

    namespace: the first part of every key; one per app, so apps never read each other's entries.
    ttl: seconds an entry lives; None is the project's CACHE_TIMEOUT. Writes invalidate sooner.
    pages, page_size: the list pages worth a place in the cache (pages 1 to `pages` of the
    default size: what a client browsing its recent items reads again and again).
    alias: the Django cache (CACHES) holding the entries.
    """

    namespace: str
    ttl: int | None = None
    pages: int = 5
    page_size: int = DEFAULT_PAGE_SIZE
    alias: str = "default"

    @property
    def _cache(self) -> BaseCache:
        return caches[self.alias]

    @property
    def _timeout(self) -> int:
        return settings.CACHE_TIMEOUT if self.ttl is None else self.ttl

    def key(self, *, owner_id: int, kind: str, parts: Iterable[object] = ()) -> str:
        """The cache key of one of the owner's entries (`kind` "page" or "item", or your own)."""
        suffix = ":".join(str(part) for part in parts)
        return f"{self.namespace}:owner:{owner_id}:{kind}:{suffix}"

    def version_key(self, *, owner_id: int) -> str:
        return f"{self.namespace}:owner:{owner_id}:version"

    def version(self, *, owner_id: int) -> int:
        """The owner's current version, created when missing or unreadable."""
        cache, key = self._cache, self.version_key(owner_id=owner_id)
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

    def read(self, *, owner_id: int, key: str, compute: Callable[[], Data]) -> Data:
        """The entry at `key` if it was cached at the owner's current version; otherwise
        `compute()` (JSON data), cached with that version."""
        cache, version_key = self._cache, self.version_key(owner_id=owner_id)
        found = cache.get_many([version_key, key])
        version = found.get(version_key)
        if _is_version(version):
            entry = found.get(key)
            if isinstance(entry, dict) and entry.get("version") == version and "data" in entry:
                return cast(Data, entry["data"])
        else:
            version = self.version(owner_id=owner_id)
        data = compute()
        cache.set(key, {"version": version, "data": data}, self._timeout)
        return data

    def item(self, *, owner_id: int, item_id: object, compute: Callable[[], Data]) -> Data:
        """One item as the API shows it (a detail read): cached, or `compute()` (JSON data)."""
        key = self.key(owner_id=owner_id, kind="item", parts=(item_id,))
        return self.read(owner_id=owner_id, key=key, compute=compute)

    def page_is_cached(self, *, page: int, page_size: int) -> bool:
        return page_size == self.page_size and page <= self.pages

    def page(
        self, *, owner_id: int, page: int, page_size: int, compute: Callable[[], CachedPage]
    ) -> CachedPage:
        """One list page (`encoded_page` computes one): cached when it is one of the first
        `pages` of `page_size`, otherwise `compute()` every time."""
        if not self.page_is_cached(page=page, page_size=page_size):
            return compute()
        key = self.key(owner_id=owner_id, kind="page", parts=(page, page_size))
        cached = self.read(owner_id=owner_id, key=key, compute=compute)
        # Read back from the cache the text is a plain str: anything else was not written by
        # compute(), and is not sent to a client as if it were JSON text.
        if not isinstance(cached.get("results"), str) or not isinstance(cached.get("count"), int):
            return compute()
        return {"count": cached["count"], "results": EncodedJSON(cached["results"])}

    def invalidate(self, *, owner_id: int) -> None:
        """Every entry of the owner reads as a miss from now on (one INCR)."""
        cache, key = self._cache, self.version_key(owner_id=owner_id)
        try:
            cache.incr(key)
        except ValueError:  # no version yet: any new one differs from what readers could have used
            cache.add(key, time.time_ns(), timeout=None)

    def invalidate_on_commit(self, *, owner_id: int) -> None:
        """`invalidate` once the current transaction commits: invalidating earlier would let a
        concurrent read cache the old rows again."""
        transaction.on_commit(lambda: self.invalidate(owner_id=owner_id))
