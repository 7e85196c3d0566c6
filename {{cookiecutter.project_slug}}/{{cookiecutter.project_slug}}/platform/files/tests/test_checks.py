"""Signing Storage URLs needs the secret key: an empty one is E009 (supabase/checks.py)."""

from pytest_django.fixtures import Settings

from {{ cookiecutter.project_slug }}.platform.integrations.supabase.checks import check_supabase_settings

SLUG = "{{ cookiecutter.project_slug }}"


def test_an_empty_secret_key_is_e009(settings: Settings) -> None:
    settings.SUPABASE_SERVICE_ROLE_KEY = " "

    assert [error.id for error in check_supabase_settings(None)] == [f"{SLUG}.E009"]
