"""Signed Storage URLs, with a real local HTTP server standing in for Supabase Storage: the
exact requests supabase-py sends, and what the API answers."""

import json
import logging
import re
import threading

import pytest
from pytest_django.fixtures import Settings
from pytest_httpserver import HTTPServer
from rest_framework.test import APIClient
from werkzeug import Request, Response

from {{ cookiecutter.project_slug }}.platform.accounts.models import User
from {{ cookiecutter.project_slug }}.platform.files.services import user_folder
from {{ cookiecutter.project_slug }}.testing.ports import free_port

pytestmark = pytest.mark.django_db

SERVICE_KEY = "sb_secret_test_only_service_role_key"
BUCKET = "user-files"


@pytest.fixture
def storage(httpserver: HTTPServer, settings: Settings) -> HTTPServer:
    settings.SUPABASE_URL = httpserver.url_for("/").rstrip("/")
    settings.SUPABASE_SECRET_KEY = SERVICE_KEY
    settings.SUPABASE_STORAGE_BUCKET = BUCKET
    settings.SUPABASE_SIGNED_URL_SECONDS = 120
    return httpserver


def test_upload_url_is_signed_for_a_path_in_the_users_folder(
    api_client: APIClient, user: User, storage: HTTPServer
) -> None:
    object_path = f"{user_folder(user)}/photos/cat.png"
    storage.expect_oneshot_request(
        f"/storage/v1/object/upload/sign/{BUCKET}/{object_path}",
        method="POST",
        headers={"Authorization": f"Bearer {SERVICE_KEY}", "apiKey": SERVICE_KEY},
    ).respond_with_json({"url": f"/object/upload/sign/{BUCKET}/{object_path}?token=up-token"})

    response = api_client.post("/api/files/upload-url/", {"path": "photos/cat.png"}, format="json")

    storage.check_assertions()
    assert response.status_code == 200
    body = response.json()
    assert body["token"] == "up-token"
    assert body["path"] == object_path
    assert body["url"].endswith(f"/object/upload/sign/{BUCKET}/{object_path}?token=up-token")


def test_download_url_is_signed_for_the_users_own_file(
    api_client: APIClient, user: User, storage: HTTPServer
) -> None:
    object_path = f"{user_folder(user)}/report.pdf"
    storage.expect_oneshot_request(
        f"/storage/v1/object/sign/{BUCKET}/{object_path}",
        method="POST",
        json={"expiresIn": "120"},
        headers={"Authorization": f"Bearer {SERVICE_KEY}"},
    ).respond_with_json({"signedURL": f"/object/sign/{BUCKET}/{object_path}?token=down"})

    response = api_client.get("/api/files/download-url/", {"path": "report.pdf"})

    storage.check_assertions()
    assert response.status_code == 200
    assert response.json()["url"].endswith(f"/object/sign/{BUCKET}/{object_path}?token=down")


@pytest.mark.parametrize(
    "path",
    [
        "../other-user/secret.txt",
        "a/../../b",
        "/etc/passwd",
        "a//b",
        "a\\..\\b",
        "",
        "x" * 600,
        "a\nb",
        ".",
        "./x",
        "a/./b",
        "a/.",
    ],
)
def test_paths_that_could_leave_the_users_folder_are_refused(
    api_client: APIClient, storage: HTTPServer, path: str
) -> None:
    upload = api_client.post("/api/files/upload-url/", {"path": path}, format="json")
    download = api_client.get("/api/files/download-url/", {"path": path})

    for response in (upload, download):
        assert response.status_code == 400
        assert "path" in response.json()["errors"]
    assert list(storage.log) == []  # nothing reached Storage


def test_the_service_key_is_never_logged(
    api_client: APIClient, storage: HTTPServer, caplog: pytest.LogCaptureFixture
) -> None:
    storage.expect_request(
        re.compile("/storage/v1/object/sign/.*"), method="POST"
    ).respond_with_json({"signedURL": "/object/sign/x?token=t"})

    with caplog.at_level(logging.DEBUG):
        api_client.get("/api/files/download-url/", {"path": "report.txt"})

    assert caplog.records, "nothing was logged: the assertion below would prove nothing"
    assert all(SERVICE_KEY not in record.getMessage() for record in caplog.records)


def test_anonymous_users_get_no_urls(anonymous_client: APIClient, storage: HTTPServer) -> None:
    response = anonymous_client.post("/api/files/upload-url/", {"path": "a.txt"}, format="json")

    assert response.status_code in (401, 403)
    assert list(storage.log) == []


@pytest.mark.parametrize("status", [400, 404])  # older Storage versions answer 400, newer 404
def test_a_download_url_for_a_missing_object_is_a_404_with_a_code(
    api_client: APIClient, storage: HTTPServer, status: int
) -> None:
    storage.expect_request(
        re.compile("/storage/v1/object/sign/.*"), method="POST"
    ).respond_with_json(
        {"statusCode": "404", "error": "not_found", "message": "Object not found"}, status=status
    )

    response = api_client.get("/api/files/download-url/", {"path": "missing.pdf"})

    assert response.status_code == 404
    assert response.json()["code"] == "file_not_found"


def test_storage_errors_other_than_not_found_are_a_503_with_a_code(
    api_client: APIClient, storage: HTTPServer
) -> None:
    storage.expect_request(re.compile("/storage/v1/.*"), method="POST").respond_with_json(
        {"statusCode": "403", "error": "Unauthorized", "message": "invalid signature"}, status=400
    )

    upload = api_client.post("/api/files/upload-url/", {"path": "a.txt"}, format="json")
    download = api_client.get("/api/files/download-url/", {"path": "a.txt"})

    for response in (upload, download):
        assert response.status_code == 503
        assert response.json()["code"] == "storage_unavailable"


def test_storage_unreachable_is_a_503_with_a_code(
    api_client: APIClient, storage: HTTPServer, settings: Settings
) -> None:
    settings.SUPABASE_URL = f"http://127.0.0.1:{free_port()}"  # nothing listens there

    upload = api_client.post("/api/files/upload-url/", {"path": "a.txt"}, format="json")
    download = api_client.get("/api/files/download-url/", {"path": "a.txt"})

    for response in (upload, download):
        assert response.status_code == 503
        assert response.json() == {
            "detail": "File storage cannot be reached right now; try again shortly.",
            "code": "storage_unavailable",
        }


def test_a_hanging_storage_is_a_503_after_the_storage_timeout(
    api_client: APIClient, storage: HTTPServer, settings: Settings
) -> None:
    settings.SUPABASE_STORAGE_TIMEOUT_SECONDS = 1
    answered = threading.Event()

    def hang(request: Request) -> Response:
        # A valid answer, but later than the timeout: waiting for it would be a 200.
        answered.wait(timeout=5)
        body = json.dumps({"signedURL": "/object/sign/x?token=t"})
        return Response(body, status=200, content_type="application/json")

    storage.expect_request(re.compile("/storage/v1/.*")).respond_with_handler(hang)
    try:
        response = api_client.get("/api/files/download-url/", {"path": "a.txt"})
    finally:
        answered.set()

    assert response.status_code == 503
    assert response.json()["code"] == "storage_unavailable"
