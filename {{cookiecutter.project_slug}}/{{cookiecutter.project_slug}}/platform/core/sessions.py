"""Sessions on Redis that fail loudly, read with their user's copy (SESSION_ENGINE).

Django's cache session store reads a Redis error as "no session"; the session middleware then
deletes the browser's cookie, so a Redis blip (a restart, a Sentinel failover) logs users out for
good. This store raises instead: the request answers 503 and the cookie, and the session, survive
for the next request.

A logged-in request needs the session and then its user: the store reads the signed copy of the
user kept beside the session (accounts/session_users.py) in the same MGET, one round trip for both.
"""

import logging
from typing import Any

from django.contrib.sessions.backends.cache import SessionStore as CacheSessionStore
from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import RedisError
from rest_framework import status
from rest_framework.exceptions import APIException

from {{ cookiecutter.project_slug }}.platform.accounts.session_users import user_copy_key

logger = logging.getLogger(__name__)


class SessionsUnavailable(APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "Sessions are unavailable for a moment; try again."
    default_code = "sessions_unavailable"


class SessionStore(CacheSessionStore):
    # The signed copy of the session's user (accounts/session_users.py), read with the session.
    user_copy: object = None

    def load(self) -> dict[str, Any]:
        assert self.session_key is not None  # Django loads only a session it has a key for
        copy_key = user_copy_key(self.session_key)
        try:
            # _cache is set by Django's __init__ (the stubs do not declare it).
            found = self._cache.get_many([self.cache_key, copy_key])  # type: ignore[attr-defined]
        except (ConnectionInterrupted, RedisError) as error:
            logger.warning("Session store unreachable: %s", error)
            raise SessionsUnavailable from error
        self.user_copy = found.get(copy_key)
        session_data: dict[str, Any] | None = found.get(self.cache_key)
        if session_data is not None:
            return session_data
        self._session_key = None  # unknown or expired: start a new session
        return {}
