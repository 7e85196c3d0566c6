"""The harness's part for the Supabase integration: what a production process of the project needs
to reach Supabase (the harness plugin loads this)."""

from django.conf import settings

from {{ cookiecutter.project_slug }}.testing.project import FEATURE_PRODUCTION_ENV


def supabase_production_env() -> dict[str, str]:
    return {"SUPABASE_URL": settings.SUPABASE_URL, "SUPABASE_SECRET_KEY": "sb_secret_test"}


FEATURE_PRODUCTION_ENV.append(supabase_production_env)
