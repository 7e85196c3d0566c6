"""The API's JSON parser: bodies over API_MAX_BODY_BYTES are a 413 and hostile JSON a 400, both in
the API's error shape, never a 500 or an HTML page (tested through a real endpoint)."""

import pytest
from pytest_django.fixtures import Settings
from rest_framework.test import APIClient

from {{ cookiecutter.project_slug }}.platform.accounts.models import User
from {{ cookiecutter.project_slug }}.testing.harness_app.urls import HARNESS_URL

pytestmark = pytest.mark.django_db

URL = HARNESS_URL


def post_raw(client: APIClient, body: bytes) -> dict[str, object]:
    response = client.post(URL, body, content_type="application/json")
    assert response["Content-Type"] == "application/json"
    return {"status": response.status_code, **response.json()}


FRAME = b'{"name":"t","text":""}'


def harness_body(size: int) -> bytes:
    """A harness app write whose JSON is exactly `size` bytes."""
    frame = FRAME
    return frame[:-2] + b"x" * (size - len(frame)) + frame[-2:]


def test_a_deeply_nested_body_is_a_400_parse_error(api_client: APIClient) -> None:
    answer = post_raw(api_client, b"[" * 100_000)

    assert answer["status"] == 400
    assert answer["code"] == "parse_error"


def test_a_5_mb_body_is_a_413_in_the_error_shape(api_client: APIClient, user: User) -> None:
    answer = post_raw(api_client, harness_body(5 * 1024 * 1024))

    assert answer == {
        "status": 413,
        "detail": answer["detail"],
        "code": "request_too_large",
    }
    user.refresh_from_db()
    assert user.first_name == ""  # nothing was stored


def test_a_body_one_byte_over_the_limit_is_refused(
    api_client: APIClient, settings: Settings
) -> None:
    settings.API_MAX_BODY_BYTES = 1000

    answer = post_raw(api_client, harness_body(1001))

    assert answer["status"] == 413
    assert answer["code"] == "request_too_large"


def test_a_body_at_the_limit_is_accepted(api_client: APIClient, settings: Settings) -> None:
    settings.API_MAX_BODY_BYTES = 1000

    answer = post_raw(api_client, harness_body(1000))

    assert answer["status"] == 201
    assert answer["text_length"] == 1000 - len(FRAME)


def test_the_default_limit_is_256_kib(settings: Settings) -> None:
    assert settings.API_MAX_BODY_BYTES == 256 * 1024
    # Django's own check (forms, the admin) holds request bodies to the same bound.
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == settings.API_MAX_BODY_BYTES


@pytest.mark.parametrize("constant", [b"NaN", b"Infinity", b"-Infinity"])
def test_non_standard_json_constants_are_a_400(api_client: APIClient, constant: bytes) -> None:
    answer = post_raw(api_client, b'{"name": ' + constant + b"}")

    assert answer["status"] == 400
    assert answer["code"] == "parse_error"


def test_a_body_that_is_not_utf8_is_a_400(api_client: APIClient) -> None:
    answer = post_raw(api_client, b'{"name": "\xff\xfe"}')

    assert answer["status"] == 400
    assert answer["code"] == "parse_error"
