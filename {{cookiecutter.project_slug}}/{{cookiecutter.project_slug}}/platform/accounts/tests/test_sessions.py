{% if cookiecutter.session_backend != "database" -%}
import json
{% endif -%}
from importlib import import_module
{%- if cookiecutter.session_backend != "database" %}
from pathlib import Path
{%- endif %}

import pytest
from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
{%- if cookiecutter.session_backend != "database" %}
from django.core.cache import caches
{%- endif %}
from django.test import Client
{%- if cookiecutter.session_backend == "redis" %}
from pytest_django.fixtures import Settings
{%- endif %}

from {{ cookiecutter.project_slug }}.platform.accounts.models import User
from {{ cookiecutter.project_slug }}.platform.accounts.tests.factories import PASSWORD
{%- if cookiecutter.session_backend != "database" %}
from {{ cookiecutter.project_slug }}.platform.core.redis_clients import redis_client
from {{ cookiecutter.project_slug }}.platform.core.tests.pickles import pickle_that_creates
{%- endif %}
from {{ cookiecutter.project_slug }}.testing.harness_app.urls import HARNESS_URL
{%- if cookiecutter.session_backend == "redis" %}
from {{ cookiecutter.project_slug }}.testing.redis_servers import OwnRedis
{%- endif %}

pytestmark = pytest.mark.django_db


def session_store(key: str) -> SessionBase:
    store: SessionBase = import_module(settings.SESSION_ENGINE).SessionStore(session_key=key)
    return store


def logged_in(user: User) -> tuple[Client, str]:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client, client.cookies[settings.SESSION_COOKIE_NAME].value


def test_login_creates_a_session_for_the_user(user: User) -> None:
    _, key = logged_in(user)

    assert session_store(key).exists(key)
    assert session_store(key).get("_auth_user_id") == str(user.pk)


def test_the_session_authenticates_the_following_requests(user: User) -> None:
    client, _ = logged_in(user)

    for _ in range(2):
        response = client.get(HARNESS_URL)
        assert response.status_code == 200


def test_logout_deletes_the_session(user: User) -> None:
    client, key = logged_in(user)

    client.logout()

    assert not session_store(key).exists(key)
    assert client.get(HARNESS_URL).status_code == {% if cookiecutter.use_supabase_auth == "y" %}401{% else %}403{% endif %}


def test_a_deactivated_users_session_no_longer_authenticates(user: User) -> None:
    client, _ = logged_in(user)

    User.objects.filter(pk=user.pk).update(is_active=False)

    assert client.get(HARNESS_URL).status_code == {% if cookiecutter.use_supabase_auth == "y" %}401{% else %}403{% endif %}
{%- if cookiecutter.session_backend != "database" %}


def session_cache_key(key: str) -> str:
    cache_key: str = session_store(key).cache_key  # type: ignore[attr-defined]
    return cache_key


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


def test_a_pickle_planted_in_a_session_key_is_not_run(user: User, tmp_path: Path) -> None:
    client, key = logged_in(user)
    marker = tmp_path / "pwned"
    redis_key = caches["sessions"].make_key(session_cache_key(key))
    redis_client("sessions").set(redis_key, pickle_that_creates(marker))

    response = client.get(HARNESS_URL)

    assert not marker.exists(), "the planted pickle was loaded: code from Redis ran"
{%- if cookiecutter.session_backend == "redis_with_db_fallback" %}
    # Not a session as far as Redis goes: read back from Postgres, and Redis holds JSON again.
    assert response.status_code == 200
    raw = redis_client("sessions").get(redis_key)
    assert raw is not None
    assert json.loads(raw)["_auth_user_id"] == str(user.pk)
{%- else %}
    # Not a session: the request is anonymous (no 500), and the user signs in again.
    assert response.status_code == {% if cookiecutter.use_supabase_auth == "y" %}401{% else %}403{% endif %}
{%- endif %}
{%- endif %}
{%- if cookiecutter.session_backend == "redis_with_db_fallback" %}


def test_a_session_lost_from_redis_is_read_back_from_postgres(user: User) -> None:
    client, key = logged_in(user)

    caches["sessions"].delete(session_cache_key(key))

    assert client.get(HARNESS_URL).status_code == 200
    assert caches["sessions"].get(session_cache_key(key)) is not None
{%- endif %}
{%- if cookiecutter.session_backend == "redis" %}


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
{%- endif %}
