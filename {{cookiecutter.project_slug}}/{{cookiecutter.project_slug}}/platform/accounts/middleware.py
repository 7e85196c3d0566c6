"""The authentication middleware (MIDDLEWARE): Django's, loading `request.user` with the
session's copy of it (backends.py, user_copies.py)."""

from django.contrib import auth
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from {{ cookiecutter.project_slug }}.platform.accounts.backends import loading_user_of
from {{ cookiecutter.project_slug }}.platform.accounts.models import User


def _user_of(request: HttpRequest) -> User | AnonymousUser:
    """Django's auth.get_user (backend, session hash check), with the request's session in
    reach of SessionUserBackend; read once per request like Django's own lazy user."""
    if not hasattr(request, "_cached_user"):
        with loading_user_of(request.session):
            request._cached_user = auth.get_user(request)  # type: ignore[attr-defined]
    user: User | AnonymousUser = request._cached_user  # type: ignore[attr-defined]
    return user


class SessionUserMiddleware(AuthenticationMiddleware):
    """Django's AuthenticationMiddleware (MIDDLEWARE), whose lazy `request.user` uses the user
    copy loaded with the session."""

    def process_request(self, request: HttpRequest) -> None:
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: _user_of(request))  # type: ignore[assignment]
