"""Users read from a signed copy in Redis instead of one database query per request.

Every authenticated request loads its user. Django's ModelBackend reads the row from Postgres each
time, which was a third of a cached API read (docs/web-servers.md); a Bearer token's user was
looked up by its Supabase id each time, half of one. Here the row is copied for
SESSION_USER_CACHE_SECONDS under a key named after what holds it:

- a session (`session:<session key>`, backends.py): the project's Redis session store
  (SESSION_ENGINE) reads the session and the copy in one MGET; with Django's own session engines
  the copy costs a GET of its own;
- with Supabase Auth, a Bearer token's subject (`token:<Supabase user id>`,
  services.user_sync_from_supabase): one GET, compared with the token's claims; only a difference
  (or no valid copy) reads the database.

The copies are kept beside the sessions (SESSION_CACHE_ALIAS, the cache when sessions are in
Postgres), and:

- Signed (django.core.signing, its own salt, dated): Redis holds data, not authority. A row written
  into Redis by anyone but this code (`is_superuser: true`) fails the signature and the user is
  read from Postgres; an old copy replayed there expires with the same bound; another user's copy
  put under this holder's key is refused (the signed row carries its id and Supabase id, and the
  holder names the one it expects).
- Forgotten when the user changes: each user has an index of the holders of a copy of it; saving
  or deleting the user drops those copies, at once and again after the transaction commits (so a
  concurrent read cannot put back the row from before it). `QuerySet.update()` sends
  no signal: such changes show within SESSION_USER_CACHE_SECONDS, or call `forget_user_copies`
  after them.
- Loading a user any other way (`request.auser()`, `backend.get_user()` outside a request) reads
  Postgres: only a request's own session or token has a copy.
"""

import logging
import time
from typing import Any

from django.conf import settings
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
    hash_tag,
    redis_client,
)

logger = logging.getLogger(__name__)

SIGNING_SALT = "{{ cookiecutter.project_slug }}.accounts.user-copy"
JSON_TYPES = (str, int, float, bool, list, dict)


class CheckedCopy:
    """A copy whose signature this process checked: its row as stored (JSON types), the row as
    the model's fields hold it, and when it was copied."""

    __slots__ = ("copied_at", "row", "values")

    def __init__(self, row: dict[str, Any], values: list[Any], copied_at: float) -> None:
        self.row, self.values, self.copied_at = row, values, copied_at


# Copies already checked by this process, by their signed text (bounded: cleared when full).
CHECKED_COPIES_KEPT = 1024
_checked_copies: dict[str, CheckedCopy] = {}

# The user row as a copy holds it: every concrete field (the models are loaded: this module
# imports User).
ROW_FIELDS: list[Field[Any, Any]] = list(User._meta.concrete_fields)
ROW_ATTNAMES = [field.attname for field in ROW_FIELDS]


def session_holder(session_key: str) -> str:
    # The session key as a hash tag, as in the project's session store's own key: on a Redis
    # Cluster the copy shares the session's slot, and both are read in one MGET.
    return f"session:{hash_tag(session_key)}"


def user_copy_key(holder: str) -> str:
    return f"accounts:user-copy:{holder}"


def _index_key(user_id: int) -> str:
    return f"accounts:user-copy-index:{user_id}"


def copies_enabled() -> bool:
    return bool(settings.SESSION_USER_CACHE_SECONDS > 0)


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


def _checked(signed: str) -> CheckedCopy | None:
    """The copy in `signed` if this code signed it; None for any other text. Each text is checked
    once per process: the signature, base64 and JSON were 4% of a cached read, repeated on every
    request of the session."""
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
    known = _checked_copies[signed] = CheckedCopy(row, _values(row), payload["copied_at"])
    return known


def verified_copy(signed: object, *, attname: str, value: object) -> User | None:
    """The user in `signed` if it is a copy this code signed within the bound, of the user whose
    `attname` (as stored: `id`, `supabase_id`) is `value`; else None."""
    checked = _checked(signed) if isinstance(signed, str) else None
    if checked is None or checked.row.get(attname) != value:
        return None
    if time.time() - checked.copied_at > settings.SESSION_USER_CACHE_SECONDS:
        return None
    # from_db: a new instance as the ORM loads it, so a later save() is an UPDATE.
    return User.from_db("default", ROW_ATTNAMES, checked.values)


def _copies() -> BaseCache:
    """Where the copies are kept: beside the sessions (the cache, when sessions are in Postgres)."""
    return caches[settings.SESSION_CACHE_ALIAS]


def _copies_client() -> Redis:
    role = next(
        r for r, alias in CACHE_ALIAS_ROLES.items() if alias == settings.SESSION_CACHE_ALIAS
    )
    return redis_client(role)


def read_copy(holder: str) -> object:
    """The signed copy `holder` keeps (None if none, or if Redis cannot say: then the database
    answers)."""
    try:
        return _copies().get(user_copy_key(holder))
    except (ConnectionInterrupted, RedisError) as error:
        logger.warning("Could not read the user copy of %s: %s", holder, error)
        return None


def copy_user(holder: str, user: User) -> None:
    """Store the signed copy of `user` for `holder` and name the holder in the user's index."""
    seconds = settings.SESSION_USER_CACHE_SECONDS
    if seconds <= 0:
        return
    signed = signing.dumps({"user": _encode(user), "copied_at": time.time()}, salt=SIGNING_SALT)
    index = _copies().make_key(_index_key(user.pk))
    try:
        _copies().set(user_copy_key(holder), signed, seconds)
        with _copies_client().pipeline(transaction=True) as pipeline:
            pipeline.sadd(index, holder)
            pipeline.expire(index, seconds)
            pipeline.execute()
    except (ConnectionInterrupted, RedisError) as error:  # the next request reads Postgres again
        logger.warning("Could not copy the user %s: %s", user.pk, error)


def _forget_copies(user_id: int) -> None:
    index = _copies().make_key(_index_key(user_id))
    try:
        # The index is read and deleted in one transaction (one key: one slot on a Redis Cluster,
        # where the copies live in their holders' slots). A holder added after it goes into a
        # new index, which the second call, after the commit, drops.
        with _copies_client().pipeline(transaction=True) as pipeline:
            pipeline.smembers(index)
            pipeline.delete(index)
            holders, _ = pipeline.execute()
        _copies().delete_many([user_copy_key(holder.decode()) for holder in holders])
    except (ConnectionInterrupted, RedisError) as error:  # they expire within the bound
        logger.warning("Could not drop the copies of user %s: %s", user_id, error)


def forget_user_copies(user_id: int) -> None:
    """Drop every copy of the user (its sessions' and its tokens') now and once the current
    transaction commits."""
    _forget_copies(user_id)
    transaction.on_commit(lambda: _forget_copies(user_id))


def forget_changed_user(sender: type[User], instance: User, **kwargs: Any) -> None:
    """post_save / post_delete receiver (accounts/apps.py)."""
    if instance.pk is not None:
        forget_user_copies(instance.pk)
