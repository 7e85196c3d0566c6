"""Sessions on Redis that fail loudly, read with their user's copy (SESSION_ENGINE).

Django's cache session store reads a Redis error as "no session"; the session middleware then
deletes the browser's cookie, so a Redis blip (a restart, a Sentinel failover) logs users out for
good. This store raises instead: the request answers 503 and the cookie, and the session, survive
for the next request. Writes fail the same way: a login (which creates a session) answers 503, not
a 500.

A logged-in request needs the session and then its user: the store reads the signed copy of the
user kept beside the session (user_copies.py) in the same MGET, one round trip for both. On a Redis
Cluster both keys carry the session key as a hash tag: they hash to one slot, so the MGET stays one
command on one node.
"""

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.contrib.sessions.backends.cache import SessionStore as CacheSessionStore
from django.core.cache import caches
from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import RedisError
from rest_framework import status
from rest_framework.exceptions import APIException

from {{ cookiecutter.project_slug }}.platform.accounts.user_copies import (
    session_holder,
    user_copy_key,
)
from {{ cookiecutter.project_slug }}.platform.core.redis_clients import hash_tag

logger = logging.getLogger(__name__)


class SessionsUnavailable(APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "Sessions are unavailable for a moment; try again."
    default_code = "sessions_unavailable"


@contextmanager
def _sessions_redis() -> Iterator[None]:
    """Redis errors inside become SessionsUnavailable: DRF answers it 503 `sessions_unavailable`."""
    try:
        yield
    except (ConnectionInterrupted, RedisError) as error:
        logger.warning("Session store unreachable: %s", error)
        raise SessionsUnavailable from error


def session_cache_key(session_key: str) -> str:
    """Where a session is kept: Django's key, the session key a hash tag on a cluster."""
    return str(CacheSessionStore.cache_key_prefix) + hash_tag(session_key)


def session_and_copy_keys() -> list[str]:
    """The keys load() reads in one MGET, for a sample session (check_redis checks their slot)."""
    sessions = caches[settings.SESSION_CACHE_ALIAS]
    sample = "check-redis-sample"
    return [
        sessions.make_key(session_cache_key(sample)),
        sessions.make_key(user_copy_key(session_holder(sample))),
    ]


class SessionStore(CacheSessionStore):
    # The signed copy of the session's user (user_copies.py), read with the session.
    user_copy: object = None

    # Django builds the key in four places: each goes through session_cache_key().
    @property
    def cache_key(self) -> str:
        return session_cache_key(self._get_or_create_session_key())  # type: ignore[attr-defined]

    async def acache_key(self) -> str:
        return session_cache_key(await self._aget_or_create_session_key())  # type: ignore[attr-defined]

    def load(self) -> dict[str, Any]:
        assert self.session_key is not None  # Django loads only a session it has a key for
        copy_key = user_copy_key(session_holder(self.session_key))
        with _sessions_redis():
            # _cache is set by Django's __init__ (the stubs do not declare it).
            found = self._cache.get_many([self.cache_key, copy_key])  # type: ignore[attr-defined]
        self.user_copy = found.get(copy_key)
        session_data: dict[str, Any] | None = found.get(self.cache_key)
        if session_data is not None:
            return session_data
        self._session_key = None  # unknown or expired: start a new session
        return {}

    # Creating a session (login) asks exists() for a free key, then saves it.
    def exists(self, session_key: str) -> bool:
        with _sessions_redis():
            key = session_cache_key(session_key)
            return bool(session_key) and key in self._cache  # type: ignore[attr-defined]

    def save(self, must_create: bool = False) -> None:
        with _sessions_redis():
            super().save(must_create)

    def delete(self, session_key: str | None = None) -> None:
        session_key = session_key or self.session_key
        if session_key is not None:
            with _sessions_redis():
                self._cache.delete(session_cache_key(session_key))  # type: ignore[attr-defined]

    async def aexists(self, session_key: str) -> bool:
        with _sessions_redis():
            key = session_cache_key(session_key)
            return bool(session_key) and await self._cache.ahas_key(key)  # type: ignore[attr-defined]

    async def adelete(self, session_key: str | None = None) -> None:
        session_key = session_key or self.session_key
        if session_key is not None:
            with _sessions_redis():
                await self._cache.adelete(session_cache_key(session_key))  # type: ignore[attr-defined]
