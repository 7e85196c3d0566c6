"""The project's JSON Web Key Set, fetched from Supabase Auth and kept for at most
SUPABASE_JWKS_CACHE_SECONDS (10 minutes) in two tiers:

- in this process (no round trip; keeps tokens verifying while the cache's Redis is down),
- in the Redis cache, shared by every process (one fetch per deployment, not per worker).

Supabase Auth misbehaving must not become our outage, nor ours its: a failed fetch is not
retried for FAILED_FETCH_BACKOFF_SECONDS (requests fail fast with 503 meanwhile), and only one
thread per process fetches at a time (the others wait briefly for its answer, never for its
whole timeout). A hanging endpoint therefore costs one request its timeout, not every request.
"""

import logging
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import httpx
from django.conf import settings
from django.core.cache import cache
from django.core.signals import setting_changed
from django.dispatch import receiver
from jwt import PyJWK, PyJWKSet
from jwt.exceptions import PyJWKSetError

logger = logging.getLogger(__name__)

# The shared copy also records when it was fetched, so a process that picks it up keeps it only
# for what is left of its lifetime (v2: the first version stored the bare document).
JWKS_CACHE_KEY = "supabase:jwks:v2"
REFETCH_GUARD_KEY = "supabase:jwks:refetched"
REFETCH_INTERVAL_SECONDS = 60
FETCH_TIMEOUT_SECONDS = 3.0
FAILED_FETCH_BACKOFF_SECONDS = 5.0
# How long a request waits for another thread's fetch: enough for a healthy endpoint (tens of
# milliseconds), far below FETCH_TIMEOUT_SECONDS.
FETCH_WAIT_SECONDS = 0.5


class JwksUnavailable(Exception):
    """The key set could not be fetched and none is cached."""


@dataclass
class _Fetch:
    """One fetch in flight; threads that arrive meanwhile wait on `done` for its `document`."""

    done: threading.Event = field(default_factory=threading.Event)
    document: dict[str, Any] | None = None


@dataclass
class _ProcessCopy:
    url: str = ""
    document: dict[str, Any] | None = None
    expires_at: float = 0.0  # time.monotonic()
    retry_after: float = 0.0  # time.monotonic(): no fetch before this, after a failure
    refetch_after: float = 0.0  # time.monotonic(): no unknown-kid refetch before this
    fetch: _Fetch | None = None


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


def _keep(document: dict[str, Any], *, fetched_at: float) -> None:
    """Keep `document` in this process until SUPABASE_JWKS_CACHE_SECONDS after `fetched_at`."""
    remaining = settings.SUPABASE_JWKS_CACHE_SECONDS - max(0.0, time.time() - fetched_at)
    if remaining > 0:
        with _lock:
            _copy.url, _copy.document = jwks_url(), document
            _copy.expires_at = time.monotonic() + remaining


def _process_copy() -> dict[str, Any] | None:
    with _lock:
        if _copy.url == jwks_url() and time.monotonic() < _copy.expires_at:
            return _copy.document
    return None


def _shared_copy() -> dict[str, Any] | None:
    entry = cache.get(JWKS_CACHE_KEY)  # None when the cache is down (IGNORE_EXCEPTIONS)
    if not isinstance(entry, dict) or not isinstance(entry.get("jwks"), dict):
        return None
    fetched_at = entry.get("fetched_at")
    if not isinstance(fetched_at, int | float):
        return None
    _keep(entry["jwks"], fetched_at=float(fetched_at))
    return _process_copy()


def _download() -> dict[str, Any]:
    try:
        response = httpx.get(jwks_url(), timeout=FETCH_TIMEOUT_SECONDS)
        response.raise_for_status()
        document = response.json()
        if not isinstance(document, dict):
            raise ValueError("the JWKS is not a JSON object")
    except (httpx.HTTPError, ValueError) as error:
        logger.warning("Fetching the Supabase JWKS from %s failed: %s", jwks_url(), error)
        raise JwksUnavailable(str(error)) from error
    return document


def _fetch() -> dict[str, Any]:
    """A fresh document, fetched by at most one thread of this process at a time."""
    with _lock:
        if time.monotonic() < _copy.retry_after:
            raise JwksUnavailable("The last JWKS fetch failed moments ago.")
        in_flight, leader = _copy.fetch, _copy.fetch is None
        if in_flight is None:
            in_flight = _copy.fetch = _Fetch()
    if not leader:
        in_flight.done.wait(FETCH_WAIT_SECONDS)
        if in_flight.document is None:
            raise JwksUnavailable("Another request is fetching the JWKS; it has no answer yet.")
        return in_flight.document
    try:
        document = _download()
    except JwksUnavailable:
        with _lock:
            _copy.retry_after = time.monotonic() + FAILED_FETCH_BACKOFF_SECONDS
        raise
    else:
        fetched_at = time.time()
        in_flight.document = document
        _keep(document, fetched_at=fetched_at)
    finally:
        with _lock:
            _copy.fetch = None
        in_flight.done.set()
    cache.set(
        JWKS_CACHE_KEY,
        {"fetched_at": fetched_at, "jwks": document},
        settings.SUPABASE_JWKS_CACHE_SECONDS,
    )
    return document


def _key_in(document: dict[str, Any], kid: str) -> PyJWK | None:
    try:
        key_set = PyJWKSet.from_dict(document)
    except PyJWKSetError:  # no usable key at all
        return None
    return next((key for key in key_set.keys if key.key_id == kid), None)


def _refetch_allowed() -> bool:
    with _lock:
        if time.monotonic() < _copy.refetch_after:
            return False
        _copy.refetch_after = time.monotonic() + REFETCH_INTERVAL_SECONDS
    # False: another process refetched within the interval. None: the cache is down (its
    # errors are ignored), and this process's own guard above is the limit.
    return cache.add(REFETCH_GUARD_KEY, True, REFETCH_INTERVAL_SECONDS) is not False


def jwks_key(kid: str) -> PyJWK | None:
    """The signing key `kid`, from the kept set; an unknown kid makes one fresh fetch, at most
    once a minute across all processes (so forged kids cannot make us hammer Supabase)."""
    document = _process_copy()
    if document is None:
        document = _shared_copy()
    if document is None:
        document = _fetch()
    key = _key_in(document, kid)
    if key is None and _refetch_allowed():
        key = _key_in(_fetch(), kid)  # keys rotated since the set was kept
    return key
