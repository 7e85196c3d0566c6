"""What entitles a stream to its user's events: checked when it opens and at every lease renewal.

A stream, and the one-time token that opens one, carries a grant: the user, the session that asked
for it (none when a Bearer token did) and a fingerprint of the user's credentials (is_active and
the password hash, through an HMAC with the secret key). The grant lapses with its session
(logout, expiry, a login that replaced it), with a password change, a deactivation or the user's
deletion: the stream closes at its next renewal (every REALTIME_HEARTBEAT_SECONDS) and the token
opens nothing. A Bearer-minted grant has no session to lapse with: it ends with the deactivation
or deletion of the local user (or a password change, which Supabase users do not have).

Why this costs no database connection per stream: the re-check runs every heartbeat for every
open stream, so the current fingerprint is kept in Redis beside the leases and read by the renewal
script in the round trip it makes anyway. Saving or deleting a user drops it (at once and after the
commit, as accounts/user_copies.py drops its copies); a missing one is read from Postgres by
the renewing worker thread, whose connection goes back to the pool right after (views.py), and kept
SESSION_USER_CACHE_SECONDS, the same bound the session copies give changes that send no signal
(QuerySet.update()). The session is looked up in the session store: one Redis read with the Redis
session engines.
"""

import json
import logging
from dataclasses import asdict, dataclass
from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.db import DatabaseError, transaction
from django.utils.crypto import salted_hmac
from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import RedisError
from rest_framework import status
from rest_framework.exceptions import APIException

from {{ cookiecutter.project_slug }}.platform.accounts.models import User
from {{ cookiecutter.project_slug }}.platform.core.redis_clients import redis_client
from {{ cookiecutter.project_slug }}.platform.realtime.redis_names import stream_credentials_key

logger = logging.getLogger(__name__)

SALT = "{{ cookiecutter.project_slug }}.realtime.stream-grant"
# The fingerprint of a user who is inactive or deleted: no grant matches it.
REVOKED = "revoked"


class StreamsUnavailable(APIException):
    """A store that opening a stream needs (the realtime Redis, the sessions, Postgres) is
    unreachable: 503, and the one-time token is not spent."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "Event streams are unavailable for a moment; try again."
    default_code = "streams_unavailable"


@dataclass(frozen=True)
class StreamGrant:
    user_id: int
    session_key: str | None
    fingerprint: str

    def dumps(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def loads(cls, text: bytes | str) -> "StreamGrant":
        return cls(**json.loads(text))


def _fingerprint(*, is_active: bool, password: str) -> str:
    if not is_active:
        return REVOKED
    return salted_hmac(SALT, password, algorithm="sha256").hexdigest()


def stream_grant(*, user: User, session_key: str | None) -> StreamGrant:
    """The grant of `user`, asking through the session `session_key` (None: a Bearer token)."""
    fingerprint = _fingerprint(is_active=user.is_active, password=user.password)
    return StreamGrant(user_id=user.pk, session_key=session_key, fingerprint=fingerprint)


def _stored_fingerprint(user_id: int) -> str:
    """The fingerprint of the user's row in Postgres, then kept in Redis (unless a save dropped
    it meanwhile: SET NX keeps what is there)."""
    row = User.objects.filter(pk=user_id).values_list("is_active", "password").first()
    fingerprint = REVOKED if row is None else _fingerprint(is_active=row[0], password=row[1])
    if settings.SESSION_USER_CACHE_SECONDS > 0:
        try:
            redis_client("realtime").set(
                stream_credentials_key(user_id),
                fingerprint,
                nx=True,
                ex=settings.SESSION_USER_CACHE_SECONDS,
            )
        except RedisError as error:  # read from Postgres again next time
            logger.warning("Credentials fingerprint of user %s not kept: %s", user_id, error)
    return fingerprint


def _session_holds(session_key: str, user_id: int) -> bool:
    """Whether the session still exists and is still logged in as the user."""
    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key=session_key)
    return bool(store.get(SESSION_KEY) == str(user_id))


def stream_grant_holds(*, grant: StreamGrant, kept_fingerprint: str | None = None) -> bool:
    """Whether `grant` still entitles a stream to its user's events. `kept_fingerprint` is the
    one Redis keeps (read with the lease renewal); without it Postgres is asked.

    Raises StreamsUnavailable when Postgres or the session store cannot answer."""
    try:
        fingerprint = kept_fingerprint or _stored_fingerprint(grant.user_id)
        if fingerprint == REVOKED or fingerprint != grant.fingerprint:
            return False
        return grant.session_key is None or _session_holds(grant.session_key, grant.user_id)
    # APIException: what the project's own Redis session store raises (a 503) when unreachable.
    except (DatabaseError, RedisError, ConnectionInterrupted, APIException) as error:
        raise StreamsUnavailable() from error


def _forget_fingerprint(user_id: int) -> None:
    try:
        redis_client("realtime").delete(stream_credentials_key(user_id))
    except RedisError as error:  # the kept one expires within SESSION_USER_CACHE_SECONDS
        logger.warning("Credentials fingerprint of user %s not dropped: %s", user_id, error)


def forget_changed_credentials(sender: type[User], instance: User, **kwargs: object) -> None:
    """post_save / post_delete receiver (realtime/apps.py): open streams compare the user's
    credentials afresh at their next renewal. Dropped at once and again after the commit: a
    renewal that read the row just before the commit and kept it after the first drop would
    otherwise hold the old fingerprint for SESSION_USER_CACHE_SECONDS."""
    user_id = instance.pk
    if user_id is not None:
        _forget_fingerprint(user_id)
        transaction.on_commit(lambda: _forget_fingerprint(user_id))
