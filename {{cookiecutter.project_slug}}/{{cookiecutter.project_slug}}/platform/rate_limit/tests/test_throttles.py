"""The limiter as the API uses it: DRF throttles, the view decorator, the response headers."""

import time

import pytest
from django.test import Client
from pytest_django.fixtures import Settings
from rest_framework.test import APIClient

from {{ cookiecutter.project_slug }}.platform.accounts.models import User
from {{ cookiecutter.project_slug }}.platform.accounts.tests.factories import PASSWORD
from {{ cookiecutter.project_slug }}.testing.harness_app.urls import (
    HARNESS_PUBLIC_URL,
    HARNESS_URL,
)

pytestmark = pytest.mark.django_db

LOGIN_URL = "/api/auth/login/"


@pytest.fixture
def tight_rates(settings: Settings) -> None:
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"user": "3/min", "auth": "2/min"},
    }


def test_every_api_response_carries_the_rate_limit_headers(api_client: APIClient) -> None:
    response = api_client.get(HARNESS_URL)

    assert response.status_code == 200
    assert response["RateLimit-Policy"] == '"user";q=600;w=60'
    assert response["RateLimit"].startswith('"user";r=599;t=')


@pytest.mark.usefixtures("tight_rates")
def test_over_the_limit_is_a_429_with_json_retry_after_and_headers(api_client: APIClient) -> None:
    statuses = [api_client.get(HARNESS_URL).status_code for _ in range(3)]

    refused = api_client.get(HARNESS_URL)

    assert statuses == [200, 200, 200]
    assert refused.status_code == 429
    assert refused.json()["code"] == "throttled"
    assert 1 <= int(refused["Retry-After"]) <= 20
    assert refused["RateLimit"].startswith('"user";r=0;t=')


@pytest.mark.usefixtures("tight_rates")
def test_users_are_limited_separately(api_client: APIClient, other_user: User) -> None:
    for _ in range(3):
        api_client.get(HARNESS_URL)
    other = APIClient()
    other.force_authenticate(user=other_user)

    assert api_client.get(HARNESS_URL).status_code == 429
    assert other.get(HARNESS_URL).status_code == 200


@pytest.mark.usefixtures("tight_rates")
def test_login_has_the_stricter_auth_scope(anonymous_client: APIClient, user: User) -> None:
    attempts = [
        anonymous_client.post(
            LOGIN_URL, {"username": user.username, "password": "wrong"}, format="json"
        )
        for _ in range(3)
    ]

    assert [a.status_code for a in attempts] == [401, 401, 429]
    assert attempts[0].json()["code"] == "invalid_credentials"
    assert '"auth";q=2;w=60' in attempts[2]["RateLimit-Policy"]


def test_login_with_the_right_password_starts_a_session(
    anonymous_client: APIClient, user: User
) -> None:
    response = anonymous_client.post(
        LOGIN_URL,
        {"username": user.username, "password": PASSWORD},
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["id"] == user.pk
    assert anonymous_client.get(HARNESS_URL).status_code == 200


@pytest.mark.usefixtures("tight_rates")
def test_the_health_check_is_never_throttled(anonymous_client: APIClient) -> None:
    statuses = {anonymous_client.get("/api/health/").status_code for _ in range(5)}

    assert statuses == {200}


def test_the_view_decorator_limits_the_admin_login_page(settings: Settings) -> None:
    client = Client()
    statuses: list[int] = []
    started = time.monotonic()
    while 429 not in statuses and len(statuses) < 40:
        statuses.append(client.get("/admin/login/").status_code)
    took = time.monotonic() - started

    # 20 a minute: a burst of 20, then one more every 3 s the burst took (a loaded machine took
    # over 3 s to render 21 pages), and refused after those.
    assert statuses[:20] == [200] * 20
    assert statuses[-1] == 429
    assert len(statuses) <= 20 + int(took / 3) + 1
    refused = client.get("/admin/login/")
    assert refused.json()["code"] == "throttled"
    assert int(refused["Retry-After"]) >= 1
    assert refused["RateLimit-Policy"] == '"admin-login";q=20;w=60'


@pytest.mark.usefixtures("tight_rates")
def test_a_spoofed_forwarded_for_does_not_escape_the_limit(anonymous_client: APIClient) -> None:
    # From a client that is not a trusted proxy (the test client's default 127.0.0.1 is one).
    responses = [
        anonymous_client.get(
            HARNESS_PUBLIC_URL,
            REMOTE_ADDR="203.0.113.7",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
        )
        for n in range(4)
    ]

    assert [r.status_code for r in responses] == [200, 200, 200, 429]
