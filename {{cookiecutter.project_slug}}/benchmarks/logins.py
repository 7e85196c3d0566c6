"""A logged-in session for a benchmark's requests, made the way Django's login makes one."""

from importlib import import_module

from django.conf import settings

from {{ cookiecutter.project_slug }}.platform.accounts.models import User


def session_cookie(user: User) -> str:
    """The `Cookie` value of a new logged-in session of `user`."""
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session["_auth_user_id"] = str(user.pk)
    session["_auth_user_backend"] = settings.AUTHENTICATION_BACKENDS[0]
    session["_auth_user_hash"] = user.get_session_auth_hash()
    session.save()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"
