"""The session's user from a signed copy kept beside the session, instead of one database query
per request.

Every session-authenticated request loads its user; Django's ModelBackend reads the row from
Postgres each time, which was a third of a cached API read (docs/web-servers.md). Here the row is
copied beside the session for SESSION_USER_CACHE_SECONDS, under a key named after the session.
The project's Redis session store (SESSION_ENGINE) reads the session and the copy in one MGET;
with Django's own session engines the copy costs a GET of its own. SessionUserMiddleware
(middleware.py, Django's authentication middleware) hands the request's session to
SessionUserBackend (backends.py) while Django loads the user, which reads the copy here:

- Signed (django.core.signing, its own salt, dated): Redis holds data, not authority. A row written
  into Redis by anyone but this code (`is_superuser: true`) fails the signature and the user is
  read from Postgres; an old copy replayed there expires with the same bound; another user's copy
  put beside this session is refused (the signed row carries its id, the session names its own).
- Forgotten when the user changes: each user has an index of the sessions holding a copy of it;
  saving or deleting the user drops those copies in one script, at once and again after the
  transaction commits (so a concurrent read cannot put back the row from before it).
  `QuerySet.update()` sends no signal: such changes show within SESSION_USER_CACHE_SECONDS, or
  call `forget_session_user` after them.
- Django's session check is unchanged: it compares the session's hash with the (copied) row's
  password hash, so a password change, which saves the user, ends the other sessions at once.
- Loading a user any other way (`request.auser()`, `backend.get_user()` outside a request) reads
  Postgres: only a request's own session has a copy beside it.
"""

import logging
import time
from typing import Any

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.core import signing
from django.core.cache import BaseCache, caches
from django.db import transaction
from django.db.models import Field
from django_redis.exceptions import ConnectionInterrupted
from redis import Redis
from redis.exceptions import RedisError

from {{ cookiecutter.project_slug }}.platform.accounts.models import User
from {{ cookiecutter.project_slug }}.platform.core.redis_clients import (
    CACHE_ALIAS_ROLES,
    redis_client,
)

logger = logging.getLogger(__name__)

SIGNING_SALT = "{{ cookiecutter.project_slug }}.accounts.session-user"
JSON_TYPES = (str, int, float, bool, list, dict)
# Deletes the copies a user's index names, and the index, in one step (a script runs atomically).
FORGET_SCRIPT = """
local sessions = redis.call('SMEMBERS', KEYS[1])
for _, session_key in ipairs(sessions) do redis.call('DEL', ARGV[1] .. session_key) end
redis.call('DEL', KEYS[1])
return #sessions
"""

# Copies already checked by this process, by their signed text (bounded: cleared when full).
CHECKED_COPIES_KEPT = 1024
_checked_copies: dict[str, tuple[int, list[Any], float]] = {}

# The user row as a copy holds it: every concrete field (the models are loaded: this module
# imports User).
ROW_FIELDS: list[Field[Any, Any]] = list(User._meta.concrete_fields)
ROW_ATTNAMES = [field.attname for field in ROW_FIELDS]


def user_copy_key(session_key: str) -> str:
    return f"accounts:session-user:{session_key}"


def _index_key(user_id: int) -> str:
    return f"accounts:session-user-index:{user_id}"


def _encode(user: User) -> dict[str, Any]:
    """The user's row as JSON types: datetimes and UUIDs as their strings."""
    row: dict[str, Any] = {}
    for field in ROW_FIELDS:
        value = field.value_from_object(user)
        row[field.attname] = (
            value if value is None or isinstance(value, JSON_TYPES) else field.value_to_string(user)
        )
    return row


def _values(row: dict[str, Any]) -> list[Any]:
    """The row's values as the model's fields hold them (datetimes, UUIDs), in field order."""
    return [None if row[f.attname] is None else f.to_python(row[f.attname]) for f in ROW_FIELDS]


def _checked(signed: str) -> tuple[int, list[Any], float] | None:
    """The user id, field values and copy time of a copy this code signed; None for any other
    text. Each text is checked once per process: the signature, base64 and JSON were 4% of a
    cached read, repeated on every request of the session."""
    known = _checked_copies.get(signed)
    if known is not None:
        return known
    try:
        payload = signing.loads(signed, salt=SIGNING_SALT)
    except signing.BadSignature:  # not ours
        return None
    if not isinstance(payload, dict) or not isinstance(payload.get("copied_at"), float):
        return None
    row = payload.get("user")
    if not isinstance(row, dict) or not isinstance(row.get("id"), int):
        return None
    if len(_checked_copies) >= CHECKED_COPIES_KEPT:
        _checked_copies.clear()
    known = _checked_copies[signed] = (row["id"], _values(row), payload["copied_at"])
    return known


def _verified_copy(signed: object, user_id: int) -> User | None:
    checked = _checked(signed) if isinstance(signed, str) else None
    if checked is None:
        return None
    copied_user_id, values, copied_at = checked
    if copied_user_id != user_id or time.time() - copied_at > settings.SESSION_USER_CACHE_SECONDS:
        return None
    # from_db: a new instance as the ORM loads it, so a later save() is an UPDATE.
    return User.from_db("default", [f.attname for f in ROW_FIELDS], values)


def _copies() -> BaseCache:
    """Where the copies are kept: beside the sessions (the cache, when sessions are in Postgres)."""
    return caches[settings.SESSION_CACHE_ALIAS]


def _copies_client() -> Redis:
    role = next(
        r for r, alias in CACHE_ALIAS_ROLES.items() if alias == settings.SESSION_CACHE_ALIAS
    )
    return redis_client(role)


def _copy_of(session: SessionBase) -> object:
    """The signed copy beside the session: brought by the session store when it reads both at once
    (the project's Redis store), else one GET."""
    if hasattr(session, "user_copy"):
        return session.user_copy
    return _copies().get(user_copy_key(session.session_key)) if session.session_key else None


def _copy_user(session_key: str, user: User, seconds: int) -> None:
    """Store the signed copy beside the session and name the session in the user's index."""
    signed = signing.dumps({"user": _encode(user), "copied_at": time.time()}, salt=SIGNING_SALT)
    index = _copies().make_key(_index_key(user.pk))
    try:
        _copies().set(user_copy_key(session_key), signed, seconds)
        with _copies_client().pipeline() as pipeline:
            pipeline.sadd(index, session_key)
            pipeline.expire(index, seconds)
            pipeline.execute()
    except (ConnectionInterrupted, RedisError) as error:  # the next request reads Postgres again
        logger.warning("Could not copy the session's user %s: %s", user.pk, error)


def session_user(*, session: SessionBase, user_id: int) -> User | None:
    """The user with this id: the copy beside `session` if it is a valid one, else the database
    row (then copied). None if there is no such user."""
    seconds = settings.SESSION_USER_CACHE_SECONDS
    user = _verified_copy(_copy_of(session), user_id) if seconds > 0 else None
    if user is not None:
        return user
    user = User._default_manager.filter(pk=user_id).first()
    if user is not None and seconds > 0 and session.session_key is not None:
        _copy_user(session.session_key, user, seconds)
    return user


def _forget_copies(user_id: int) -> None:
    index, copies = _copies().make_key(_index_key(user_id)), _copies().make_key(user_copy_key(""))
    try:
        _copies_client().eval(FORGET_SCRIPT, 1, index, copies)
    except RedisError as error:  # the copies expire within SESSION_USER_CACHE_SECONDS
        logger.warning("Could not drop the session copies of user %s: %s", user_id, error)


def forget_session_user(user_id: int) -> None:
    """Drop the user's session copies now and once the current transaction commits."""
    _forget_copies(user_id)
    transaction.on_commit(lambda: _forget_copies(user_id))


def forget_changed_user(sender: type[User], instance: User, **kwargs: Any) -> None:
    """post_save / post_delete receiver (accounts/apps.py)."""
    if instance.pk is not None:
        forget_session_user(instance.pk)
