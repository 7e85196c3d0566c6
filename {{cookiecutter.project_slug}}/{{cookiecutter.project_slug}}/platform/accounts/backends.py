"""The authentication backend (AUTHENTICATION_BACKENDS): Django's ModelBackend, reading the user of
the session being loaded from its signed copy (user_copies.py)."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.contrib.auth.backends import ModelBackend
from django.contrib.sessions.backends.base import SessionBase

from {{ cookiecutter.project_slug }}.platform.accounts.models import User
from {{ cookiecutter.project_slug }}.platform.accounts.user_copies import (
    copies_enabled,
    copy_user,
    read_copy,
    session_holder,
    verified_copy,
)

# The session whose user the current thread (or task) is loading: set only inside
# `SessionUserMiddleware`'s lazy user (middleware.py), for the duration of Django's `auth.get_user`.
_loading_session: ContextVar[SessionBase | None] = ContextVar("loading_session", default=None)


def _copy_of(session: SessionBase) -> object:
    """The signed copy beside the session: brought by the session store when it reads both at once
    (the project's Redis store), else one GET."""
    if hasattr(session, "user_copy"):
        return session.user_copy
    return read_copy(session_holder(session.session_key)) if session.session_key else None


def session_user(*, session: SessionBase, user_id: int) -> User | None:
    """The user with this id: the copy beside `session` if it is a valid one, else the database
    row (then copied). None if there is no such user. Django's session check is unchanged: it
    compares the session's hash with the (copied) row's password hash, so a password change,
    which saves the user and drops its copies, ends the other sessions at once."""
    enabled = copies_enabled()
    user = verified_copy(_copy_of(session), attname="id", value=user_id) if enabled else None
    if user is not None:
        return user
    user = User._default_manager.filter(pk=user_id).first()
    if user is not None and enabled and session.session_key is not None:
        copy_user(session_holder(session.session_key), user)
    return user


class SessionUserBackend(ModelBackend):
    """Django's ModelBackend (password login, permissions), except that the user of the session
    being loaded comes from the copy beside it."""

    def get_user(self, user_id: int) -> User | None:
        session = _loading_session.get()
        if session is None:
            return super().get_user(user_id)
        user = session_user(session=session, user_id=user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


@contextmanager
def loading_user_of(session: SessionBase) -> Iterator[None]:
    """Inside it, SessionUserBackend reads the user of `session` from its copy."""
    token = _loading_session.set(session)
    try:
        yield
    finally:
        _loading_session.reset(token)
