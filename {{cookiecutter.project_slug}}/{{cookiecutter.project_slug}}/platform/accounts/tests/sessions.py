"""Signing in through Django's test client and reading the session it started from its store."""

from importlib import import_module

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.test import Client

from {{ cookiecutter.project_slug }}.platform.accounts.models import User
from {{ cookiecutter.project_slug }}.platform.accounts.tests.factories import PASSWORD


def session_store(key: str) -> SessionBase:
    store: SessionBase = import_module(settings.SESSION_ENGINE).SessionStore(session_key=key)
    return store


def logged_in(user: User) -> tuple[Client, str]:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client, client.cookies[settings.SESSION_COOKIE_NAME].value


def session_cache_key(key: str) -> str:
    """The cache key of a session kept in a cache (a store that has one)."""
    cache_key: str = session_store(key).cache_key  # type: ignore[attr-defined]
    return cache_key
