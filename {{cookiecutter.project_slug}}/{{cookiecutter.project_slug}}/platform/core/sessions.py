"""Sessions on Redis that fail loudly (SESSION_ENGINE).

Django's cache session store reads a Redis error as "no session"; the session middleware then
deletes the browser's cookie, so a Redis blip (a restart, a Sentinel failover) logs users out for
good. This store raises instead: the request answers 503 and the cookie, and the session, survive
for the next request.
"""

import logging
from typing import Any

from django.contrib.sessions.backends.cache import SessionStore as CacheSessionStore
from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import RedisError
from rest_framework import status
from rest_framework.exceptions import APIException

logger = logging.getLogger(__name__)


class SessionsUnavailable(APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "Sessions are unavailable for a moment; try again."
    default_code = "sessions_unavailable"


class SessionStore(CacheSessionStore):
    def load(self) -> dict[str, Any]:
        try:
            # _cache is set by Django's __init__ (the stubs do not declare it).
            session_data: dict[str, Any] | None = self._cache.get(self.cache_key)  # type: ignore[attr-defined]
        except (ConnectionInterrupted, RedisError) as error:
            logger.warning("Session store unreachable: %s", error)
            raise SessionsUnavailable from error
        if session_data is not None:
            return session_data
        self._session_key = None  # unknown or expired: start a new session
        return {}
