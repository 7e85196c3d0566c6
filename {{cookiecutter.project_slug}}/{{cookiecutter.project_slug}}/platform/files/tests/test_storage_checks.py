"""Supabase Storage's own settings check (integrations/supabase/storage_checks.py), here with
the files app that needs it."""

from pytest_django.fixtures import Settings

from {{ cookiecutter.project_slug }}.platform.core.check_ids import check_id
from {{ cookiecutter.project_slug }}.platform.integrations.supabase.storage_checks import (
    check_supabase_secret_key,
)


def test_the_generated_secret_key_passes() -> None:
    assert check_supabase_secret_key(None) == []


def test_an_empty_secret_key_is_e009(settings: Settings) -> None:
    settings.SUPABASE_SECRET_KEY = " "

    assert [error.id for error in check_supabase_secret_key(None)] == [check_id("E009")]
