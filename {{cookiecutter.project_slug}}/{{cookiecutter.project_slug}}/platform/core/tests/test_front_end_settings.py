"""Settings for a front end on another origin: CSRF trusted origins follow credentialed CORS, and
the cookies' SameSite comes from the environment; a SameSite=None cookie must be Secure."""

import pytest
from django.core.checks import run_checks
from pytest_django.fixtures import Settings

from {{ cookiecutter.project_slug }}.platform.core.tests.test_settings import (
    PRODUCTION_ENV,
    manage,
)

SLUG = "{{ cookiecutter.project_slug }}"
FRONT_END = "https://app.example.com"
SHOW_TRUSTED = (
    "shell",
    "-c",
    "from django.conf import settings; print(','.join(settings.CSRF_TRUSTED_ORIGINS))",
)
CREDENTIALED = {
    **PRODUCTION_ENV,
    "CORS_ALLOWED_ORIGINS": FRONT_END,
    "CORS_ALLOW_CREDENTIALS": "true",
}


def last_word(*args: str, env: dict[str, str]) -> str:
    result = manage(*args, env=env)
    assert result.returncode == 0, result.stderr
    return result.stdout.split()[-1]


@pytest.mark.system
def test_with_credentials_the_cors_origins_are_csrf_trusted_origins() -> None:
    trusted = last_word(*SHOW_TRUSTED, env=CREDENTIALED)

    assert trusted == f"https://{{ cookiecutter.domain_name }},{FRONT_END}"


@pytest.mark.system
def test_without_credentials_the_cors_origins_are_not_trusted() -> None:
    env = {**CREDENTIALED, "CORS_ALLOW_CREDENTIALS": "false"}

    assert last_word(*SHOW_TRUSTED, env=env) == "https://{{ cookiecutter.domain_name }}"


@pytest.mark.system
def test_the_trusted_origins_variable_wins_over_the_default() -> None:
    env = {**CREDENTIALED, "DJANGO_CSRF_TRUSTED_ORIGINS": "https://only.example.com"}

    assert last_word(*SHOW_TRUSTED, env=env) == "https://only.example.com"


@pytest.mark.system
def test_production_with_samesite_none_passes_the_deploy_check() -> None:
    env = {**CREDENTIALED, "DJANGO_COOKIE_SAMESITE": "none"}
    show = (
        "shell",
        "-c",
        "from django.conf import settings; print(settings.SESSION_COOKIE_SAMESITE)",
    )

    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)

    assert result.returncode == 0, result.stderr
    assert last_word(*show, env=env) == "None"


@pytest.mark.system
def test_an_unknown_samesite_value_stops_start_up() -> None:
    result = manage("check", env={**PRODUCTION_ENV, "DJANGO_COOKIE_SAMESITE": "sometimes"})

    assert result.returncode != 0
    assert "DJANGO_COOKIE_SAMESITE='Sometimes': use Lax, Strict or None." in result.stderr


def deploy_check_ids() -> set[str]:
    return {message.id for message in run_checks(include_deployment_checks=True) if message.id}


def test_a_samesite_none_cookie_without_secure_is_e041(settings: Settings) -> None:
    settings.SESSION_COOKIE_SAMESITE = "None"
    settings.SESSION_COOKIE_SECURE = False

    assert f"{SLUG}.E041" in deploy_check_ids()


def test_secure_samesite_none_cookies_pass_e041(settings: Settings) -> None:
    settings.SESSION_COOKIE_SAMESITE = settings.CSRF_COOKIE_SAMESITE = "None"
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True

    assert f"{SLUG}.E041" not in deploy_check_ids()
