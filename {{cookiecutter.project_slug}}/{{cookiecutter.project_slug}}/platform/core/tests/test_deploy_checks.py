"""Deploy checks catch values copied from the generated env files or only safe in development."""

import pytest
from django.core.checks import WARNING, run_checks
from pytest_django.fixtures import Settings

from {{ cookiecutter.project_slug }}.platform.core.check_ids import check_id


def deploy_check_ids() -> set[str]:
    return {message.id for message in run_checks(include_deployment_checks=True) if message.id}


def placeholder_message() -> str:
    [error] = [
        message
        for message in run_checks(include_deployment_checks=True)
        if message.id == check_id("E020")
    ]
    return error.msg


# The checks only read DATABASES; no connection is opened with the placeholder host.
@pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")
def test_an_unreplaced_supabase_placeholder_is_e020(settings: Settings) -> None:
    settings.DATABASES = {
        **settings.DATABASES,
        "default": {**settings.DATABASES["default"], "HOST": "db.your-project-ref.supabase.co"},
    }

    assert check_id("E020") in deploy_check_ids()


@pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")
def test_the_placeholder_message_names_the_variable_the_user_sets(settings: Settings) -> None:
    settings.DATABASES = {
        **settings.DATABASES,
        "default": {**settings.DATABASES["default"], "PASSWORD": "replace-with-your-password"},
    }

    assert placeholder_message() == "Placeholder values are still configured: DATABASE_URL."


def test_redis_roles_that_took_redis_urls_placeholder_are_named_once(settings: Settings) -> None:
    """Every role's URL defaults from REDIS_DURABLE_URL: the one variable to fix is named, not
    seven."""
    settings.REDIS_DURABLE_URL = "redis://:replace-with-a-password@redis.internal:6379/0"
    settings.REDIS_RATE_LIMIT_URL = "redis://:replace-with-a-password@redis.internal:6379/5"

    assert placeholder_message() == "Placeholder values are still configured: REDIS_DURABLE_URL."


def test_a_redis_role_on_a_server_of_its_own_is_named_by_its_role(settings: Settings) -> None:
    settings.REDIS_RATE_LIMIT_URL = "redis://:replace-with-a-password@limits.internal:6379/5"

    assert placeholder_message() == (
        "Placeholder values are still configured: the rate_limit role's Redis URL."
    )


def test_an_unreplaced_secret_placeholder_is_e020_without_showing_the_value(
    settings: Settings,
) -> None:
    settings.SECRET_KEY = "replace-with-a-long-random-secret-of-your-own-0123456789"

    message = placeholder_message()

    assert message == "Placeholder values are still configured: DJANGO_SECRET_KEY."
    assert "replace-with" not in message


def test_the_test_settings_hold_no_placeholder() -> None:
    assert check_id("E020") not in deploy_check_ids()


def test_any_host_allowed_is_e021(settings: Settings) -> None:
    settings.ALLOWED_HOSTS = ["api.example.org", "*"]

    assert check_id("E021") in deploy_check_ids()


def test_named_hosts_pass_e021(settings: Settings) -> None:
    settings.ALLOWED_HOSTS = ["api.example.org"]

    assert check_id("E021") not in deploy_check_ids()


def test_an_http_csrf_trusted_origin_is_e023(settings: Settings) -> None:
    settings.CSRF_TRUSTED_ORIGINS = ["https://app.example.org", "http://app.example.org"]

    errors = [
        message
        for message in run_checks(include_deployment_checks=True)
        if message.id == check_id("E023")
    ]

    assert len(errors) == 1
    assert "http://app.example.org" in errors[0].msg
    assert "https://app.example.org," not in errors[0].msg


@pytest.mark.parametrize("host", [".com", ".COM", ".co.uk", ".com.au", "."])
def test_a_bare_public_suffix_wildcard_is_e024(settings: Settings, host: str) -> None:
    settings.ALLOWED_HOSTS = ["api.example.org", host]

    errors = [
        message
        for message in run_checks(include_deployment_checks=True)
        if message.id == check_id("E024")
    ]

    assert len(errors) == 1
    assert host in errors[0].msg


@pytest.mark.parametrize("host", [".example.com", ".example.co.uk", "com", "api.example.org"])
def test_a_wildcard_under_your_own_domain_passes_e024(settings: Settings, host: str) -> None:
    settings.ALLOWED_HOSTS = [host]

    assert check_id("E024") not in deploy_check_ids()


@pytest.mark.parametrize("seconds", [601, 10**9, -1])
def test_an_unbounded_session_user_cache_is_e025(settings: Settings, seconds: int) -> None:
    settings.SESSION_USER_CACHE_SECONDS = seconds

    assert check_id("E025") in deploy_check_ids()


@pytest.mark.parametrize("seconds", [0, 60, 600])
def test_a_bounded_session_user_cache_passes_e025(settings: Settings, seconds: int) -> None:
    settings.SESSION_USER_CACHE_SECONDS = seconds

    assert check_id("E025") not in deploy_check_ids()


def test_public_api_docs_warn_as_w026(settings: Settings) -> None:
    settings.API_DOCS_PUBLIC = True

    warnings = [
        message
        for message in run_checks(include_deployment_checks=True)
        if message.id == check_id("W026")
    ]

    assert [warning.level for warning in warnings] == [WARNING]


def test_staff_only_api_docs_pass_w026(settings: Settings) -> None:
    settings.API_DOCS_PUBLIC = False

    assert check_id("W026") not in deploy_check_ids()
