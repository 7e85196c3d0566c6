"""The cached list read's budget follows the session store the settings name, so one test per app
holds for every session backend the project may be generated with."""

import pytest
from pytest_django.fixtures import Settings

from {{ cookiecutter.project_slug }}.testing.hot_path import (
    PROJECT_PACKAGE,
    cached_list_read_budget,
)


@pytest.mark.parametrize(
    ("engine", "redis_commands", "tables"),
    [
        (f"{PROJECT_PACKAGE}.platform.sessions_store", ["MGET", "EVALSHA", "MGET"], []),
        ("django.contrib.sessions.backends.cached_db", ["GET", "GET", "EVALSHA", "MGET"], []),
        ("django.contrib.sessions.backends.db", ["GET", "EVALSHA", "MGET"], ["django_session"]),
    ],
)
def test_the_budget_is_the_session_stores_reads_then_rate_limit_and_page(
    settings: Settings, engine: str, redis_commands: list[str], tables: list[str]
) -> None:
    settings.SESSION_ENGINE = engine

    budget = cached_list_read_budget()

    assert budget.redis_commands == redis_commands
    assert budget.tables_read == tables


def test_a_session_store_without_a_budget_fails_naming_it(settings: Settings) -> None:
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.file"

    with pytest.raises(AssertionError, match=r"backends\.file"):
        cached_list_read_budget()
