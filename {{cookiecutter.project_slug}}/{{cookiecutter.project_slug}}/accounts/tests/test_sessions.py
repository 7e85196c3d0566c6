from importlib import import_module

import pytest
from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
{%- if cookiecutter.session_backend != "database" %}
from django.core.cache import caches
{%- endif %}
from django.test import Client

from {{ cookiecutter.project_slug }}.accounts.models import User

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


def session_store(key: str) -> SessionBase:
    store: SessionBase = import_module(settings.SESSION_ENGINE).SessionStore(session_key=key)
    return store


def test_login_creates_a_session_the_next_request_uses(user: User) -> None:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value

    assert session_store(key).exists(key)
    assert session_store(key).get("_auth_user_id") == str(user.pk)
{%- if cookiecutter.session_backend != "database" %}


def test_sessions_are_kept_in_the_sessions_redis_not_the_cache(user: User) -> None:
    client = Client()
    client.login(username=user.username, password=PASSWORD)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    cache_key = session_store(key).cache_key  # type: ignore[attr-defined]

    assert caches["sessions"].get(cache_key) is not None
    assert caches["default"].get(cache_key) is None
{%- endif %}


def test_logout_deletes_the_session(user: User) -> None:
    client = Client()
    client.login(username=user.username, password=PASSWORD)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value

    client.logout()

    assert not session_store(key).exists(key)
