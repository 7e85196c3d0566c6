from pytest_django.fixtures import Settings

from {{ cookiecutter.project_slug }}.platform.core.check_ids import check_id
from {{ cookiecutter.project_slug }}.platform.integrations.supabase.checks import (
    check_supabase_settings,
    check_supabase_uses_https,
)


def test_the_generated_settings_pass() -> None:
    assert check_supabase_settings(None) == []


def test_a_supabase_url_that_is_not_a_url_is_e008(settings: Settings) -> None:
    settings.SUPABASE_URL = "project-ref.supabase.co"

    assert [error.id for error in check_supabase_settings(None)] == [check_id("E008")]


def test_plain_http_to_supabase_is_e010_in_deployments(settings: Settings) -> None:
    settings.SUPABASE_URL = "http://project-ref.supabase.co"
    assert [error.id for error in check_supabase_uses_https(None)] == [check_id("E010")]

    settings.SUPABASE_URL = "https://project-ref.supabase.co"
    assert check_supabase_uses_https(None) == []
