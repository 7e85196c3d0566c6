"""Renamed environment variables: the new name is read, and the old one still is, with a warning
that names the new one, so a deployment keeps running while its operator renames it."""

import os
import runpy
import warnings

import pytest

from config.env import RenamedVariableWarning

from {{ cookiecutter.project_slug }}.testing.project import PROJECT_DIR

COMPONENTS_DIR = PROJECT_DIR / "config" / "settings" / "components"


def redis_settings() -> dict[str, object]:
    """The Redis settings component as it reads the environment right now."""
    return runpy.run_path(str(COMPONENTS_DIR / "redis.py"))


@pytest.fixture
def no_redis_names(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    role_urls = [name for name in os.environ if name.startswith("REDIS_") and name.endswith("_URL")]
    for name in ("REDIS_URL", "REDIS_KEY_PREFIX", "CACHE_KEY_PREFIX", *role_urls):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_redis_url_still_configures_the_durable_role_and_warns(
    no_redis_names: pytest.MonkeyPatch,
) -> None:
    no_redis_names.setenv("REDIS_URL", "redis://redis.internal:6379/0")

    with pytest.warns(RenamedVariableWarning, match="REDIS_URL is now called REDIS_DURABLE_URL"):
        settings = redis_settings()

    assert settings["REDIS_DURABLE_URL"] == "redis://redis.internal:6379/0"
    # The other roles still default to its server, each on its own database.
    assert settings["REDIS_CACHE_URL"] == "redis://redis.internal:6379/1"


def test_redis_durable_url_wins_over_redis_url_without_a_warning(
    no_redis_names: pytest.MonkeyPatch,
) -> None:
    no_redis_names.setenv("REDIS_DURABLE_URL", "redis://new.internal:6379/0")
    no_redis_names.setenv("REDIS_URL", "redis://old.internal:6379/0")

    with warnings.catch_warnings():
        warnings.simplefilter("error", RenamedVariableWarning)
        settings = redis_settings()

    assert settings["REDIS_DURABLE_URL"] == "redis://new.internal:6379/0"


def test_cache_key_prefix_still_prefixes_the_projects_keys_and_warns(
    no_redis_names: pytest.MonkeyPatch,
) -> None:
    no_redis_names.setenv("CACHE_KEY_PREFIX", "old-deployment")

    renamed = "CACHE_KEY_PREFIX is now called REDIS_KEY_PREFIX"
    with pytest.warns(RenamedVariableWarning, match=renamed):
        settings = redis_settings()

    assert settings["REDIS_KEY_PREFIX"] == "old-deployment"
    assert settings["CACHES"]["default"]["KEY_PREFIX"] == "old-deployment"  # type: ignore[index]


def test_the_default_key_prefix_is_unchanged_so_existing_keys_are_found(
    no_redis_names: pytest.MonkeyPatch,
) -> None:
    settings = redis_settings()

    assert settings["REDIS_KEY_PREFIX"] == "{{ cookiecutter.project_slug }}"
