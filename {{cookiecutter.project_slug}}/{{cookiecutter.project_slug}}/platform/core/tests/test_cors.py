"""Cross-origin calls: a front end on an allowed origin may call the API from the browser; any
other origin, and any path outside the API, gets no CORS permission."""

import pytest
from django.test import Client
from pytest_django.fixtures import Settings

FRONT_END = "https://app.example.com"


@pytest.fixture
def front_end_allowed(settings: Settings) -> None:
    settings.CORS_ALLOWED_ORIGINS = [FRONT_END]


def preflight(client: Client, *, origin: str, path: str = "/api/health/") -> dict[str, str]:
    """What a browser asks before a cross-origin POST with a Bearer token: the answer's headers."""
    response = client.options(
        path,
        HTTP_ORIGIN=origin,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization, content-type",
    )
    assert response.status_code == 200
    return {name.lower(): value for name, value in response.headers.items()}


def test_a_preflight_from_an_allowed_origin_is_granted(
    front_end_allowed: None, client: Client
) -> None:
    headers = preflight(client, origin=FRONT_END)

    assert headers["access-control-allow-origin"] == FRONT_END
    assert "POST" in headers["access-control-allow-methods"]
    assert "authorization" in headers["access-control-allow-headers"]
    # Bearer tokens, not cookies, cross origins.
    assert "access-control-allow-credentials" not in headers


def test_a_preflight_from_another_origin_is_not_granted(
    front_end_allowed: None, client: Client
) -> None:
    headers = preflight(client, origin="https://attacker.example")

    assert "access-control-allow-origin" not in headers


def test_paths_outside_the_api_grant_no_origin(front_end_allowed: None, client: Client) -> None:
    response = client.get("/admin/login/", HTTP_ORIGIN=FRONT_END)

    assert "Access-Control-Allow-Origin" not in response.headers


def test_an_allowed_origin_may_read_an_api_answer(
    front_end_allowed: None, client: Client, db: None
) -> None:
    response = client.get("/api/health/", HTTP_ORIGIN=FRONT_END)

    assert response.headers["Access-Control-Allow-Origin"] == FRONT_END
