"""The harness's part for the Supabase integration (the harness plugin loads this): what a
production process needs to reach Supabase, and a stand-in of Supabase for a live server."""

from collections.abc import Callable

import pytest
from django.conf import settings
from pytest_httpserver import HTTPServer

from {{ cookiecutter.project_slug }}.testing.fixtures import STAND_IN_ENV_FIXTURES
from {{ cookiecutter.project_slug }}.testing.project import (
    FEATURE_DEPLOYMENT_ENV,
    FEATURE_PRODUCTION_ENV,
)

# What the stand-in serves, by Supabase product the project uses: each product's fixture module
# adds its routes.
SUPABASE_STAND_IN_ROUTES: list[Callable[[HTTPServer], None]] = []


def supabase_production_env() -> dict[str, str]:
    return {"SUPABASE_URL": settings.SUPABASE_URL, "SUPABASE_SECRET_KEY": "sb_secret_test"}


FEATURE_PRODUCTION_ENV.append(supabase_production_env)
FEATURE_DEPLOYMENT_ENV["SUPABASE_URL"] = "https://project-ref.supabase.co"


@pytest.fixture
def supabase_stand_in(httpserver: HTTPServer) -> HTTPServer:
    """Supabase, as far as the API calls it: a real local HTTP server."""
    for add_routes in SUPABASE_STAND_IN_ROUTES:
        add_routes(httpserver)
    return httpserver


@pytest.fixture
def supabase_stand_in_env(supabase_stand_in: HTTPServer) -> dict[str, str]:
    return {"SUPABASE_URL": supabase_stand_in.url_for("/").rstrip("/")}


STAND_IN_ENV_FIXTURES.append("supabase_stand_in_env")
