"""Sessions live in their own Redis, as JSON text: data, never a pickle."""

import json

import pytest
from django.core.cache import caches

from {{ cookiecutter.project_slug }}.platform.accounts.models import User
from {{ cookiecutter.project_slug }}.platform.accounts.tests.sessions import (
    logged_in,
    session_cache_key,
)
from {{ cookiecutter.project_slug }}.platform.core.redis_clients import redis_client

pytestmark = pytest.mark.django_db


def test_sessions_are_kept_in_the_sessions_redis_not_the_cache(user: User) -> None:
    _, key = logged_in(user)

    assert caches["sessions"].get(session_cache_key(key)) is not None
    assert caches["default"].get(session_cache_key(key)) is None


def test_logout_removes_the_session_from_redis(user: User) -> None:
    client, key = logged_in(user)

    client.logout()

    assert caches["sessions"].get(session_cache_key(key)) is None


def test_sessions_are_stored_in_redis_as_json_text(user: User) -> None:
    _, key = logged_in(user)

    raw = redis_client("sessions").get(caches["sessions"].make_key(session_cache_key(key)))

    assert raw is not None
    assert json.loads(raw)["_auth_user_id"] == str(user.pk)  # data, not a pickle
