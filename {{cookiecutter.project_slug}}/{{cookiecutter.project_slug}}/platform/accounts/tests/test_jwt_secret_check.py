"""The deploy check on the Supabase JWT secret (integrations/supabase/auth_checks.py): a short one
is guessable (E022)."""

from pytest_django.fixtures import Settings

from {{ cookiecutter.project_slug }}.platform.core.check_ids import check_id
from {{ cookiecutter.project_slug }}.platform.core.tests.test_deploy_checks import deploy_check_ids


def test_a_short_jwt_secret_is_e022(settings: Settings) -> None:
    settings.SUPABASE_JWT_SECRET = "s" * 31

    assert check_id("E022") in deploy_check_ids()


def test_a_long_or_absent_jwt_secret_passes_e022(settings: Settings) -> None:
    settings.SUPABASE_JWT_SECRET = "s" * 32
    assert check_id("E022") not in deploy_check_ids()

    settings.SUPABASE_JWT_SECRET = ""
    assert check_id("E022") not in deploy_check_ids()
