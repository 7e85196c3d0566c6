"""The authentication backend (AUTHENTICATION_BACKENDS): Django's ModelBackend, reading the user of
the session being loaded from its signed copy (session_user_copies.py)."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.contrib.auth.backends import ModelBackend
from django.contrib.sessions.backends.base import SessionBase

from {{ cookiecutter.project_slug }}.platform.accounts.models import User
from {{ cookiecutter.project_slug }}.platform.accounts.session_user_copies import session_user

# The session whose user the current thread (or task) is loading: set only inside
# `SessionUserMiddleware`'s lazy user (middleware.py), for the duration of Django's `auth.get_user`.
_loading_session: ContextVar[SessionBase | None] = ContextVar("loading_session", default=None)


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
