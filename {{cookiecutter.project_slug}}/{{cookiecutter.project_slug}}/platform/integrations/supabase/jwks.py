"""The project's JSON Web Key Set, fetched from Supabase Auth and kept for at most
SUPABASE_JWKS_CACHE_SECONDS (10 minutes) in two tiers:

- in this process (no round trip; keeps tokens verifying while the cache's Redis is down),
- in the Redis cache, shared by every process (one fetch per deployment, not per worker).

Both tiers count the lifetime from the fetch, so a key removed from the JWKS (revoked) is
refused everywhere at most SUPABASE_JWKS_CACHE_SECONDS after it disappeared. Sooner, for an
urgent revocation: `manage.py jwks_refresh` (jwks_cache_drop) drops the Redis tier and announces
a new generation in Redis, which each process looks at every GENERATION_CHECK_SECONDS (one Redis
GET per process per interval, none per request), dropping its own copy when it changed.

Supabase Auth misbehaving must not become our outage, nor ours its: a failed fetch is not
retried for FAILED_FETCH_BACKOFF_SECONDS (requests fail fast with 503 meanwhile), and only one
thread per process fetches at a time (the others wait briefly for its answer, never for its
whole timeout). A hanging endpoint therefore costs one request its timeout, not every request.
"""

import logging
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
from django.conf import settings
from django.core.cache import cache
from django.core.signals import setting_changed
from django.dispatch import receiver
from jwt import PyJWK, PyJWKSet
from jwt.exceptions import PyJWKSetError
from redis.exceptions import RedisError

from {{ cookiecutter.project_slug }}.platform.core.redis_clients import redis_client

logger = logging.getLogger(__name__)

# The shared copy also records when it was fetched, so a process that picks it up keeps it only
# for what is left of its lifetime (v2: the first version stored the bare document).
JWKS_CACHE_KEY = "supabase:jwks:v2"
REFETCH_GUARD_KEY = "supabase:jwks:refetched"
# Changed by every jwks_refresh: a process that sees it change drops its own copy.
GENERATION_KEY = "supabase:jwks:generation"
GENERATION_CHECK_SECONDS = 5.0
REFETCH_INTERVAL_SECONDS = 60
FETCH_TIMEOUT_SECONDS = 3.0
FAILED_FETCH_BACKOFF_SECONDS = 5.0
# How long a request waits for another thread's fetch: enough for a healthy endpoint (tens of
# milliseconds), far below FETCH_TIMEOUT_SECONDS.
FETCH_WAIT_SECONDS = 0.5


class JwksUnavailable(Exception):
    """The key set could not be fetched and none is cached."""


@dataclass(frozen=True)
class KeySet:
    """A fetched JWKS document and its usable keys by kid (parsed once, not per token)."""

    document: dict[str, Any]
    fetched_at: float  # time.time()
    keys: dict[str, PyJWK]

    @classmethod
    def parse(cls, document: dict[str, Any], *, fetched_at: float) -> "KeySet":
        try:
            usable = PyJWKSet.from_dict(document).keys
        except PyJWKSetError:  # no usable key at all
            usable = []
        keys = {key.key_id: key for key in usable if key.key_id is not None}
        return cls(document=document, fetched_at=fetched_at, keys=keys)


@dataclass
class _Fetch:
    """One fetch in flight; threads that arrive meanwhile wait on `done` for its `key_set`."""

    done: threading.Event = field(default_factory=threading.Event)
    key_set: KeySet | None = None


@dataclass
class _ProcessCopy:
    url: str = ""
    key_set: KeySet | None = None
    expires_at: float = 0.0  # time.monotonic()
    retry_after: float = 0.0  # time.monotonic(): no fetch before this, after a failure
    refetch_after: float = 0.0  # time.monotonic(): no unknown-kid refetch before this
    fetch: _Fetch | None = None
    generation: bytes | str | None = None  # the last generation seen in Redis
    generation_seen: bool = False
    generation_due: float = 0.0  # time.monotonic(): look at the generation again after this


_lock = threading.Lock()
_copy = _ProcessCopy()


@receiver(setting_changed)
def _forget_copy_when_settings_change(*, setting: str, **kwargs: Any) -> None:
    global _copy
    if setting.startswith("SUPABASE_") or setting == "CACHES":
        with _lock:
            _copy = _ProcessCopy()


def auth_url() -> str:
    """Supabase Auth's base URL: its tokens name it as their issuer."""
    return f"{settings.SUPABASE_URL}/auth/v1"


def jwks_url() -> str:
    return f"{auth_url()}/.well-known/jwks.json"


def _drop_process_copy() -> None:
    """Forget the kept set and the limits tied to it (caller holds _lock)."""
    _copy.key_set, _copy.expires_at = None, 0.0
    _copy.retry_after = _copy.refetch_after = 0.0


def _keep(key_set: KeySet) -> None:
    """Keep `key_set` in this process until SUPABASE_JWKS_CACHE_SECONDS after its fetch, unless
    a newer one is kept already."""
    remaining = settings.SUPABASE_JWKS_CACHE_SECONDS - max(0.0, time.time() - key_set.fetched_at)
    if remaining <= 0:
        return
    with _lock:
        kept = _copy.key_set
        if _copy.url == jwks_url() and kept is not None and kept.fetched_at > key_set.fetched_at:
            return
        _copy.url, _copy.key_set = jwks_url(), key_set
        _copy.expires_at = time.monotonic() + remaining


def _kept() -> KeySet | None:
    """This process's set, while it lasts (caller holds _lock)."""
    if _copy.url == jwks_url() and time.monotonic() < _copy.expires_at:
        return _copy.key_set
    return None


def _process_copy() -> KeySet | None:
    with _lock:
        return _kept()


def _shared_copy() -> KeySet | None:
    """The set in Redis, kept in this process too; None when there is none (or no cache)."""
    entry = cache.get(JWKS_CACHE_KEY)  # None when the cache is down (IGNORE_EXCEPTIONS)
    if not isinstance(entry, dict) or not isinstance(entry.get("jwks"), dict):
        return None
    fetched_at = entry.get("fetched_at")
    if not isinstance(fetched_at, int | float):
        return None
    kept = _process_copy()
    if kept is None or kept.fetched_at != fetched_at:  # parsed once per set, not per look
        _keep(KeySet.parse(entry["jwks"], fetched_at=float(fetched_at)))
    return _process_copy()


def _download() -> KeySet:
    try:
        response = httpx.get(jwks_url(), timeout=FETCH_TIMEOUT_SECONDS)
        response.raise_for_status()
        document = response.json()
        if not isinstance(document, dict):
            raise ValueError("the JWKS is not a JSON object")
    except (httpx.HTTPError, ValueError) as error:
        logger.warning("Fetching the Supabase JWKS from %s failed: %s", jwks_url(), error)
        raise JwksUnavailable(str(error)) from error
    return KeySet.parse(document, fetched_at=time.time())


def _download_and_share() -> KeySet:
    key_set = _download()
    _keep(key_set)
    cache.set(
        JWKS_CACHE_KEY,
        {"fetched_at": key_set.fetched_at, "jwks": key_set.document},
        settings.SUPABASE_JWKS_CACHE_SECONDS,
    )
    return key_set


def _lead(in_flight: _Fetch, work: Callable[[], KeySet]) -> KeySet:
    """Run `work` as this process's one fetch; the threads waiting on `in_flight` get its set."""
    try:
        key_set = work()
        in_flight.key_set = key_set
    except JwksUnavailable:
        with _lock:
            _copy.retry_after = time.monotonic() + FAILED_FETCH_BACKOFF_SECONDS
        raise
    finally:
        with _lock:
            _copy.fetch = None
        in_flight.done.set()
    return key_set


def _wait_for(in_flight: _Fetch) -> KeySet:
    in_flight.done.wait(FETCH_WAIT_SECONDS)
    if in_flight.key_set is None:
        raise JwksUnavailable("Another request is fetching the JWKS; it has no answer yet.")
    return in_flight.key_set


def _claim_fetch() -> _Fetch:
    """A new fetch for this thread to lead (caller holds _lock)."""
    if time.monotonic() < _copy.retry_after:
        raise JwksUnavailable("The last JWKS fetch failed moments ago.")
    _copy.fetch = _Fetch()
    return _copy.fetch


def _fetch() -> KeySet:
    """A fresh set, fetched by at most one thread of this process at a time."""
    with _lock:
        in_flight, leader = _copy.fetch, _copy.fetch is None
        if in_flight is None:
            in_flight = _claim_fetch()
    if leader:
        return _lead(in_flight, _download_and_share)
    return _wait_for(in_flight)


def _refetch_across_processes(held: KeySet) -> KeySet:
    # None: the cache is down (its errors are ignored), and this process's guard is the limit.
    if cache.add(REFETCH_GUARD_KEY, True, REFETCH_INTERVAL_SECONDS) is not False:
        return _download_and_share()
    # Another process refetched within the interval: its set is in Redis (or soon will be: this
    # process's next unknown kid looks again rather than waiting out the interval).
    with _lock:
        _copy.refetch_after = 0.0
    return _shared_copy() or held


def _refetched(held: KeySet) -> KeySet | None:
    """A set newer than `held` for an unknown kid (keys rotated since it was fetched): the one
    another thread fetched meanwhile, or one refetch, at most once per REFETCH_INTERVAL_SECONDS
    across all processes (so forged kids cannot make us hammer Supabase). None: not now."""
    with _lock:
        in_flight, kept = _copy.fetch, _kept()
        if in_flight is not None:
            leader = False
        elif kept is not None and kept is not held:
            return kept
        elif time.monotonic() < _copy.refetch_after:
            return None
        else:
            in_flight, leader = _claim_fetch(), True
            _copy.refetch_after = time.monotonic() + REFETCH_INTERVAL_SECONDS
    if leader:
        return _lead(in_flight, lambda: _refetch_across_processes(held))
    return _wait_for(in_flight)


def _follow_refreshes() -> None:
    """Drop this process's copy when jwks_refresh has run (in any process) since it last
    looked: the generation in Redis changed. It looks at most every GENERATION_CHECK_SECONDS."""
    now = time.monotonic()
    if now < _copy.generation_due:  # unlocked: at worst a second thread looks too
        return
    with _lock:
        if now < _copy.generation_due:
            return
        _copy.generation_due = now + GENERATION_CHECK_SECONDS
    try:
        generation = redis_client("cache").get(cache.make_key(GENERATION_KEY))
    except RedisError:
        return  # the cache is down: the kept copy is what keeps tokens verifying
    with _lock:
        if _copy.generation_seen and generation != _copy.generation:
            _drop_process_copy()
        _copy.generation, _copy.generation_seen = generation, True


def jwks_key(kid: str) -> PyJWK | None:
    """The signing key `kid`, from the kept set; an unknown kid may refetch it (_refetched)."""
    _follow_refreshes()
    key_set = _process_copy() or _shared_copy() or _fetch()
    key = key_set.keys.get(kid)
    if key is None:
        fresher = _refetched(key_set)
        key = fresher.keys.get(kid) if fresher is not None else None
    return key


@dataclass(frozen=True)
class JwksDropped:
    """What jwks_cache_drop dropped, for its caller to report."""

    shared_kids: list[str] | None  # the kids of the set that was in Redis; None: there was none
    shared_age_seconds: float
    guard_dropped: bool
    generation: str


def jwks_cache_drop() -> JwksDropped:
    """Drop every tier of the key cache, for an urgent revocation: the set and the refetch guard
    in Redis, this process's copy, and (through a new generation in Redis) every other
    process's copy within GENERATION_CHECK_SECONDS. Raises RedisError when the cache's Redis
    does not answer."""
    shared = cache.get(JWKS_CACHE_KEY)
    client = redis_client("cache")
    removed = client.delete(cache.make_key(JWKS_CACHE_KEY))
    guard_dropped = bool(client.delete(cache.make_key(REFETCH_GUARD_KEY)))
    generation = uuid.uuid4().hex
    client.set(cache.make_key(GENERATION_KEY), generation)  # no expiry: read often, never LRU
    with _lock:
        _drop_process_copy()
        _copy.generation, _copy.generation_seen = generation.encode(), True
    kids, age = None, 0.0
    if removed and isinstance(shared, dict) and isinstance(shared.get("jwks"), dict):
        dropped = KeySet.parse(shared["jwks"], fetched_at=float(shared.get("fetched_at") or 0))
        kids, age = sorted(dropped.keys), max(0.0, time.time() - dropped.fetched_at)
    return JwksDropped(kids, age, guard_dropped, generation)


def jwks_cache_fill() -> KeySet:
    """Fetch the key set now and keep it in both tiers. Raises JwksUnavailable."""
    return _download_and_share()
