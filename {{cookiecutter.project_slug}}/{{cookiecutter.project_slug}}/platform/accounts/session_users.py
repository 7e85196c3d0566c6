"""The session's user from a signed copy in the cache, instead of one database query per request.

Every session-authenticated request loads its user; Django's ModelBackend reads the row from
Postgres each time, which was a third of a cached API read (README: Performance). The backend
below keeps the row in the cache for SESSION_USER_CACHE_SECONDS:

- Signed (django.core.signing, its own salt, dated): Redis holds data, not authority. A row written
  into Redis by anyone but this code (`is_superuser: true`) fails the signature and the user is
  read from Postgres; an old copy replayed there expires with the same bound.
- Forgotten when the user changes: saving or deleting a user drops the copy, at once and again
  after the transaction commits (so a concurrent read cannot put back the row from before it).
  `QuerySet.update()` sends no signal: such changes show within SESSION_USER_CACHE_SECONDS, or
  call `forget_session_user` after them.
- Django's session check is unchanged: it compares the session's hash with the (cached) row's
  password hash, so a password change, which saves the user, ends the other sessions at once.
- A cache outage reads Postgres (the default cache turns Redis errors into misses).
"""

from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core import signing
from django.core.cache import cache
from django.db import transaction
from django.db.models import Field

from {{ cookiecutter.project_slug }}.platform.accounts.models import User

SIGNING_SALT = "{{ cookiecutter.project_slug }}.accounts.session-user"
JSON_TYPES = (str, int, float, bool, list, dict)


def _cache_key(user_id: int) -> str:
    return f"accounts:session-user:{user_id}"


def _row_fields() -> list[Field[Any, Any]]:
    return [field for field in User._meta.concrete_fields]


def _encode(user: User) -> dict[str, Any]:
    """The user's row as JSON types: datetimes and UUIDs as their strings."""
    row: dict[str, Any] = {}
    for field in _row_fields():
        value = field.value_from_object(user)
        row[field.attname] = (
            value if value is None or isinstance(value, JSON_TYPES) else field.value_to_string(user)
        )
    return row


def _decode(row: dict[str, Any]) -> User:
    fields = _row_fields()
    values = [None if row[f.attname] is None else f.to_python(row[f.attname]) for f in fields]
    # from_db: an instance as the ORM loads it, so a later save() is an UPDATE.
    return User.from_db("default", [f.attname for f in fields], values)


def _cached_user(user_id: int) -> User | None:
    signed = cache.get(_cache_key(user_id))
    if not isinstance(signed, str):
        return None
    try:
        row = signing.loads(signed, salt=SIGNING_SALT, max_age=settings.SESSION_USER_CACHE_SECONDS)
    except signing.BadSignature:  # not ours, or older than the bound
        return None
    if not isinstance(row, dict) or row.get("id") != user_id:
        return None
    return _decode(row)


def session_user(*, user_id: int) -> User | None:
    """The user with this id: the cached copy if there is a valid one, else the database row
    (then cached). None if there is no such user."""
    seconds = settings.SESSION_USER_CACHE_SECONDS
    user = _cached_user(user_id) if seconds > 0 else None
    if user is not None:
        return user
    user = User._default_manager.filter(pk=user_id).first()
    if user is not None and seconds > 0:
        cache.set(_cache_key(user_id), signing.dumps(_encode(user), salt=SIGNING_SALT), seconds)
    return user


def forget_session_user(user_id: int) -> None:
    """Drop the cached copy now and once the current transaction commits."""
    cache.delete(_cache_key(user_id))
    transaction.on_commit(lambda: cache.delete(_cache_key(user_id)))


def forget_changed_user(sender: type[User], instance: User, **kwargs: Any) -> None:
    """post_save / post_delete receiver (accounts/apps.py)."""
    if instance.pk is not None:
        forget_session_user(instance.pk)


class SessionUserBackend(ModelBackend):
    """Django's ModelBackend (password login, permissions), except that loading the session's user
    on every request reads the signed cache first (AUTHENTICATION_BACKENDS)."""

    def get_user(self, user_id: int) -> User | None:
        user = session_user(user_id=user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
