"""The cache's own Redis database is not shared with the task broker either (core/checks.py)."""

from pytest_django.fixtures import Settings

from {{ cookiecutter.project_slug }}.platform.core.checks import (
    check_cache_has_its_own_redis_database,
)


def test_a_broker_on_the_cache_database_is_e001(settings: Settings) -> None:
    settings.REDIS_BROKER_URL = settings.CACHES["default"]["LOCATION"]

    errors = check_cache_has_its_own_redis_database(None)

    assert "broker" in errors[0].msg
