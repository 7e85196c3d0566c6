"""Redis is the only home of the sessions: what it cannot give back is no session (never a pickle
run), and while it is down the API answers 503 instead of logging everyone out."""

from pathlib import Path

import pytest
from django.core.cache import caches
from django.test import Client
from pytest_django.fixtures import Settings

from {{ cookiecutter.project_slug }}.platform.accounts.models import User
from {{ cookiecutter.project_slug }}.platform.accounts.tests.factories import PASSWORD
from {{ cookiecutter.project_slug }}.platform.accounts.tests.sessions import (
    logged_in,
    session_cache_key,
)
from {{ cookiecutter.project_slug }}.platform.core.redis_clients import redis_client
from {{ cookiecutter.project_slug }}.platform.core.tests.pickles import pickle_that_creates
from {{ cookiecutter.project_slug }}.testing.harness_app.urls import HARNESS_URL
from {{ cookiecutter.project_slug }}.testing.redis_servers import OwnRedis
from {{ cookiecutter.project_slug }}.testing.refusals import anonymous_refusal_status

pytestmark = pytest.mark.django_db


def test_a_pickle_planted_in_a_session_key_is_not_run(user: User, tmp_path: Path) -> None:
    client, key = logged_in(user)
    marker = tmp_path / "pwned"
    redis_key = caches["sessions"].make_key(session_cache_key(key))
    redis_client("sessions").set(redis_key, pickle_that_creates(marker))

    response = client.get(HARNESS_URL)

    assert not marker.exists(), "the planted pickle was loaded: code from Redis ran"
    # Not a session: the request is anonymous (no 500), and the user signs in again.
    assert response.status_code == anonymous_refusal_status()


def test_a_redis_outage_answers_503_and_keeps_the_session_cookie(
    user: User, own_redis: OwnRedis, settings: Settings
) -> None:
    sessions = {**settings.CACHES["sessions"], "LOCATION": own_redis.url(db=2)}
    settings.CACHES = {**settings.CACHES, "sessions": sessions}
    client, _ = logged_in(user)
    own_redis.stop()

    response = client.get(HARNESS_URL)

    assert response.status_code == 503
    assert response.json()["code"] == "sessions_unavailable"
    # Django's own cache store would have answered 401/403 and deleted the cookie: logged out.
    assert settings.SESSION_COOKIE_NAME not in response.cookies


def test_logging_in_while_the_sessions_redis_is_down_answers_503(
    user: User, own_redis: OwnRedis, settings: Settings
) -> None:
    sessions = {**settings.CACHES["sessions"], "LOCATION": own_redis.url(db=2)}
    settings.CACHES = {**settings.CACHES, "sessions": sessions}
    own_redis.stop()
    credentials = {"username": user.username, "password": PASSWORD}

    response = Client().post("/api/auth/login/", credentials, content_type="application/json")

    assert response.status_code == 503
    assert response.json() == {
        "detail": "Sessions are unavailable for a moment; try again.",
        "code": "sessions_unavailable",
    }
    assert settings.SESSION_COOKIE_NAME not in response.cookies
