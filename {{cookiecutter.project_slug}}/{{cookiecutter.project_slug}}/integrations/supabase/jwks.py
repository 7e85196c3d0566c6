"""The project's JSON Web Key Set, fetched from Supabase Auth and shared by every process
through the Redis cache for at most SUPABASE_JWKS_CACHE_SECONDS (10 minutes)."""

import logging
from typing import Any

import httpx
from django.conf import settings
from django.core.cache import cache
from jwt import PyJWK, PyJWKSet
from jwt.exceptions import PyJWKSetError

logger = logging.getLogger(__name__)

JWKS_CACHE_KEY = "supabase:jwks"
REFETCH_GUARD_KEY = "supabase:jwks:refetched"
REFETCH_INTERVAL_SECONDS = 60
FETCH_TIMEOUT_SECONDS = 3.0


class JwksUnavailable(Exception):
    """The key set could not be fetched and none is cached."""


def jwks_url() -> str:
    return f"{settings.SUPABASE_URL}/auth/v1/.well-known/jwks.json"


def _fetch() -> dict[str, Any]:
    try:
        response = httpx.get(jwks_url(), timeout=FETCH_TIMEOUT_SECONDS)
        response.raise_for_status()
        document: dict[str, Any] = response.json()
    except (httpx.HTTPError, ValueError) as error:
        logger.warning("Fetching the Supabase JWKS from %s failed: %s", jwks_url(), error)
        raise JwksUnavailable(str(error)) from error
    cache.set(JWKS_CACHE_KEY, document, settings.SUPABASE_JWKS_CACHE_SECONDS)
    return document


def _key_in(document: dict[str, Any], kid: str) -> PyJWK | None:
    try:
        key_set = PyJWKSet.from_dict(document)
    except PyJWKSetError:  # no usable key at all
        return None
    return next((key for key in key_set.keys if key.key_id == kid), None)


def jwks_key(kid: str) -> PyJWK | None:
    """The signing key `kid`, from the cached set; an unknown kid makes one fresh fetch, at most
    once a minute across all processes (so forged kids cannot make us hammer Supabase)."""
    document = cache.get(JWKS_CACHE_KEY)
    if document is None:
        document = _fetch()
    key = _key_in(document, kid)
    if key is None and cache.add(REFETCH_GUARD_KEY, True, REFETCH_INTERVAL_SECONDS):
        key = _key_in(_fetch(), kid)  # keys rotated since the set was cached
    return key
