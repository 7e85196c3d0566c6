"""Postgres backs the sessions' Redis: a session Redis lost or cannot read is read back from the
database, and Redis holds it again."""

import json
from pathlib import Path

import pytest
from django.core.cache import caches

from {{ cookiecutter.project_slug }}.platform.accounts.models import User
from {{ cookiecutter.project_slug }}.platform.accounts.tests.sessions import (
    logged_in,
    session_cache_key,
)
from {{ cookiecutter.project_slug }}.platform.core.redis_clients import redis_client
from {{ cookiecutter.project_slug }}.platform.core.tests.pickles import pickle_that_creates
from {{ cookiecutter.project_slug }}.testing.harness_app.urls import HARNESS_URL

pytestmark = pytest.mark.django_db


def test_a_pickle_planted_in_a_session_key_is_not_run(user: User, tmp_path: Path) -> None:
    client, key = logged_in(user)
    marker = tmp_path / "pwned"
    redis_key = caches["sessions"].make_key(session_cache_key(key))
    redis_client("sessions").set(redis_key, pickle_that_creates(marker))

    response = client.get(HARNESS_URL)

    assert not marker.exists(), "the planted pickle was loaded: code from Redis ran"
    # Not a session as far as Redis goes: read back from Postgres, and Redis holds JSON again.
    assert response.status_code == 200
    raw = redis_client("sessions").get(redis_key)
    assert raw is not None
    assert json.loads(raw)["_auth_user_id"] == str(user.pk)


def test_a_session_lost_from_redis_is_read_back_from_postgres(user: User) -> None:
    client, key = logged_in(user)

    caches["sessions"].delete(session_cache_key(key))

    assert client.get(HARNESS_URL).status_code == 200
    assert caches["sessions"].get(session_cache_key(key)) is not None
