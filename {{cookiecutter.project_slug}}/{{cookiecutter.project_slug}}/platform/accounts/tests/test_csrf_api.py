"""GET /api/auth/csrf/: the CSRF token a front end on another origin sends back on its writes
(it cannot read the API's cookie), and credentialed CORS when the settings turn it on."""

import pytest
from django.test import Client
from pytest_django.fixtures import Settings
from rest_framework.test import APIClient

from {{ cookiecutter.project_slug }}.platform.accounts.models import User
from {{ cookiecutter.project_slug }}.platform.accounts.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

CSRF_URL = "/api/auth/csrf/"
FRONT_END = "https://app.example.com"


def logged_in(user: User) -> APIClient:
    client = APIClient(enforce_csrf_checks=True)
    response = client.post(
        "/api/auth/login/", {"username": user.username, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200
    return client


def test_the_endpoint_answers_the_token_and_sets_the_cookie(anonymous_client: APIClient) -> None:
    response = anonymous_client.get(CSRF_URL)

    assert response.status_code == 200
    assert response.json()["csrf_token"]
    assert response.cookies["csrftoken"].value


def test_its_token_lets_a_session_write(user: User) -> None:
    client = logged_in(user)
    token = client.get(CSRF_URL).json()["csrf_token"]

    response = client.post("/api/auth/logout/", HTTP_X_CSRFTOKEN=token)

    assert response.status_code == 204


def test_a_session_write_with_a_token_from_before_the_login_is_refused(user: User) -> None:
    client = APIClient(enforce_csrf_checks=True)
    stale = client.get(CSRF_URL).json()["csrf_token"]
    client.post(
        "/api/auth/login/", {"username": user.username, "password": PASSWORD}, format="json"
    )

    response = client.post("/api/auth/logout/", HTTP_X_CSRFTOKEN=stale)

    assert response.status_code == 403


def test_credentialed_cors_lets_an_allowed_origin_send_cookies(
    settings: Settings, client: Client
) -> None:
    settings.CORS_ALLOWED_ORIGINS = [FRONT_END]
    settings.CORS_ALLOW_CREDENTIALS = True

    response = client.options(
        CSRF_URL,
        HTTP_ORIGIN=FRONT_END,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="content-type, x-csrftoken",
    )

    assert response.headers["Access-Control-Allow-Origin"] == FRONT_END
    assert response.headers["Access-Control-Allow-Credentials"] == "true"
    assert "x-csrftoken" in response.headers["Access-Control-Allow-Headers"]
