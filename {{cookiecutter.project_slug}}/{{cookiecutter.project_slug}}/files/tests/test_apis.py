"""Signed Storage URLs, with a real local HTTP server standing in for Supabase Storage: the
exact requests supabase-py sends, and what the API answers."""

import logging
import re

import pytest
from pytest_django.fixtures import Settings
from pytest_httpserver import HTTPServer
from rest_framework.test import APIClient

from {{ cookiecutter.project_slug }}.accounts.models import User
from {{ cookiecutter.project_slug }}.files.services import user_folder

pytestmark = pytest.mark.django_db

SERVICE_KEY = "sb_secret_test_only_service_role_key"
BUCKET = "user-files"


@pytest.fixture
def storage(httpserver: HTTPServer, settings: Settings) -> HTTPServer:
    settings.SUPABASE_URL = httpserver.url_for("/").rstrip("/")
    settings.SUPABASE_SERVICE_ROLE_KEY = SERVICE_KEY
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
        api_client.get("/api/files/download-url/", {"path": "notes.txt"})

    assert caplog.records, "nothing was logged: the assertion below would prove nothing"
    assert all(SERVICE_KEY not in record.getMessage() for record in caplog.records)


def test_anonymous_users_get_no_urls(anonymous_client: APIClient, storage: HTTPServer) -> None:
    response = anonymous_client.post("/api/files/upload-url/", {"path": "a.txt"}, format="json")

    assert response.status_code in (401, 403)
    assert list(storage.log) == []
