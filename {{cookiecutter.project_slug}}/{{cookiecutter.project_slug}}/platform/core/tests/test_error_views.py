"""Errors Django answers itself, outside DRF views, have the API's JSON shape and no
traceback: a bad request, a refused permission, a CSRF failure, an oversized form."""

from typing import Any

import pytest
from django.test import Client
from pytest_django.fixtures import Settings

from {{ cookiecutter.project_slug }}.platform.accounts.models import User
from {{ cookiecutter.project_slug }}.platform.accounts.tests.factories import PASSWORD
from {{ cookiecutter.project_slug }}.testing.harness_app.urls import HARNESS_URL

pytestmark = pytest.mark.django_db

ERROR_URLS = "{{ cookiecutter.project_slug }}.platform.core.tests.error_urls"


def assert_json_error(response: Any, status: int, code: str) -> None:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == {"detail", "code"}
    assert body["code"] == code
    assert "Traceback" not in response.content.decode()


@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.parametrize(
    "path", ["/api/no/such/thing/", "/api/test/harness/null%2Cnull/", "/api/health", "/api/"]
)
def test_an_unknown_path_under_api_is_a_json_404_in_every_mode(
    settings: Settings, debug: bool, path: str
) -> None:
    # With DEBUG on, Django's own 404 is its HTML debug page: the API never shows it.
    settings.DEBUG = debug

    assert_json_error(Client().get(path), 404, "not_found")
    assert_json_error(Client(enforce_csrf_checks=True).post(path), 404, "not_found")


def test_a_host_outside_allowed_hosts_is_a_json_400() -> None:
    response = Client().get("/api/health/", HTTP_HOST="evil.example")

    assert_json_error(response, 400, "bad_request")


@pytest.mark.urls(ERROR_URLS)
def test_a_suspicious_operation_in_a_plain_view_is_a_json_400() -> None:
    assert_json_error(Client().get("/plain/suspicious/"), 400, "bad_request")


@pytest.mark.urls(ERROR_URLS)
def test_permission_denied_in_a_plain_view_is_a_json_403() -> None:
    assert_json_error(Client().get("/plain/forbidden/"), 403, "permission_denied")


@pytest.mark.urls(ERROR_URLS)
def test_a_form_body_over_djangos_limit_is_a_json_413(settings: Settings) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000

    response = Client().post(
        "/plain/form/", data="x=" + "a" * 5000, content_type="application/x-www-form-urlencoded"
    )

    assert_json_error(response, 413, "request_too_large")


def test_a_csrf_failure_on_a_plain_django_view_is_a_json_403() -> None:
    client = Client(enforce_csrf_checks=True)

    response = client.post("/admin/login/", {"username": "a", "password": "b"})

    assert_json_error(response, 403, "csrf_failed")


def test_a_csrf_failure_on_an_api_view_is_a_json_403(user: User) -> None:
    client = Client(enforce_csrf_checks=True)
    assert client.login(username=user.username, password=PASSWORD)

    response = client.post(HARNESS_URL, {"name": "x"}, content_type="application/json")

    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert "CSRF" in response.json()["detail"]
