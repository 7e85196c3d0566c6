"""`manage.py dev_token`: a token the API accepts in development, through the same Supabase token
authentication, and refuses wherever the settings name no development key (production)."""

import io
import stat
from pathlib import Path

import httpx
import pytest
from django.core.checks import run_checks
from django.core.management import CommandError, call_command
from pytest_django.fixtures import Settings
from rest_framework.test import APIClient

from {{ cookiecutter.project_slug }}.platform.accounts.models import User
from {{ cookiecutter.project_slug }}.platform.accounts.tests.factories import UserFactory
from {{ cookiecutter.project_slug }}.testing.servers import ProductionServer

pytestmark = pytest.mark.django_db

SLUG = "{{ cookiecutter.project_slug }}"
ME_URL = "/api/me/"


@pytest.fixture
def dev_key_file(settings: Settings, tmp_path: Path) -> Path:
    """A key file of this test's own, not yet created: the command makes it on first use."""
    path = tmp_path / ".dev-token-key.pem"
    settings.SUPABASE_DEV_TOKEN_KEY_FILE = str(path)
    return path


def dev_token(*args: str) -> str:
    out = io.StringIO()
    call_command("dev_token", *args, stdout=out)
    return out.getvalue().strip()


def call_me(token: str) -> dict[str, object]:
    response = APIClient().get(ME_URL, HTTP_AUTHORIZATION=f"Bearer {token}")
    body: dict[str, object] = response.json()
    return {"status": response.status_code, **body}


def test_the_commands_token_authenticates_its_user_on_the_api(dev_key_file: Path) -> None:
    token = dev_token("ada", "--email", "ada@example.com")

    me = call_me(token)

    ada = User.objects.get(username="ada")
    assert me["status"] == 200
    assert me["id"] == ada.pk
    assert me["supabase_id"] == str(ada.supabase_id)
    assert me["email"] == "ada@example.com"
    assert not ada.has_usable_password()


def test_the_key_is_made_on_first_use_readable_by_its_owner_only(dev_key_file: Path) -> None:
    dev_token("ada")

    assert dev_key_file.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
    assert stat.S_IMODE(dev_key_file.stat().st_mode) == 0o600


def test_an_existing_user_is_linked_not_duplicated(dev_key_file: Path) -> None:
    grace = UserFactory.create(username="grace")

    me = call_me(dev_token("grace"))

    grace.refresh_from_db()
    assert me["id"] == grace.pk
    assert grace.supabase_id is not None
    assert User.objects.filter(username__startswith="supabase-").count() == 0


def test_a_staff_role_in_the_token_makes_the_user_staff(dev_key_file: Path) -> None:
    me = call_me(dev_token("ada", "--role", "staff"))

    assert me["roles"] == ["staff"]
    assert User.objects.get(username="ada").is_staff


def test_a_token_of_a_replaced_key_is_refused(dev_key_file: Path) -> None:
    token = dev_token("ada")
    dev_key_file.unlink()  # the next use makes a new key

    assert call_me(dev_token("ada"))["status"] == 200
    refused = call_me(token)

    assert refused["status"] == 401
    assert refused["code"] == "token_invalid"


def test_an_expired_dev_token_is_refused(dev_key_file: Path) -> None:
    refused = call_me(dev_token("ada", "--hours", "-1"))

    assert refused["status"] == 401
    assert refused["code"] == "token_expired"


def test_production_settings_refuse_a_dev_token(dev_key_file: Path, settings: Settings) -> None:
    token = dev_token("ada")
    # What production settings hold: no development key, DEBUG off.
    settings.SUPABASE_DEV_TOKEN_KEY_FILE = ""
    settings.DEBUG = False

    refused = call_me(token)

    assert refused["status"] == 401
    assert refused["code"] == "token_key_unknown"


@pytest.mark.system  # starts the production web server (gunicorn, production settings)
def test_the_production_server_refuses_a_dev_token(dev_key_file: Path, tmp_path: Path) -> None:
    token = dev_token("ada")
    server = ProductionServer(tmp_path / "gunicorn.log", DJANGO_SECURE_SSL_REDIRECT="False")
    server.start()
    try:
        response = httpx.get(f"{server.url}{ME_URL}", headers={"Authorization": f"Bearer {token}"})
    finally:
        server.stop()

    assert response.status_code == 401
    assert response.json()["code"] == "token_key_unknown"


def test_the_command_refuses_without_a_development_key(settings: Settings) -> None:
    settings.SUPABASE_DEV_TOKEN_KEY_FILE = ""

    with pytest.raises(CommandError, match="SUPABASE_DEV_TOKEN_KEY_FILE"):
        dev_token("ada")

    assert not User.objects.filter(username="ada").exists()


def deploy_check_ids() -> set[str]:
    return {message.id for message in run_checks(include_deployment_checks=True) if message.id}


def test_a_configured_development_key_fails_check_deploy_as_e040(dev_key_file: Path) -> None:
    assert f"{SLUG}.E040" in deploy_check_ids()


def test_settings_without_a_development_key_pass_e040(settings: Settings) -> None:
    settings.SUPABASE_DEV_TOKEN_KEY_FILE = ""

    assert f"{SLUG}.E040" not in deploy_check_ids()
