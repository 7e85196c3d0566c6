from pytest_django.fixtures import Settings

from {{ cookiecutter.project_slug }}.platform.integrations.supabase.checks import (
    check_supabase_settings,
    check_supabase_uses_https,
)

SLUG = "{{ cookiecutter.project_slug }}"


def test_the_generated_settings_pass() -> None:
    assert check_supabase_settings(None) == []


def test_a_supabase_url_that_is_not_a_url_is_e008(settings: Settings) -> None:
    settings.SUPABASE_URL = "project-ref.supabase.co"

    assert [error.id for error in check_supabase_settings(None)] == [f"{SLUG}.E008"]
{%- if cookiecutter.use_supabase_storage == "y" %}


def test_an_empty_secret_key_is_e009(settings: Settings) -> None:
    settings.SUPABASE_SECRET_KEY = " "

    assert [error.id for error in check_supabase_settings(None)] == [f"{SLUG}.E009"]
{%- endif %}


def test_plain_http_to_supabase_is_e010_in_deployments(settings: Settings) -> None:
    settings.SUPABASE_URL = "http://project-ref.supabase.co"
    assert [error.id for error in check_supabase_uses_https(None)] == [f"{SLUG}.E010"]

    settings.SUPABASE_URL = "https://project-ref.supabase.co"
    assert check_supabase_uses_https(None) == []
