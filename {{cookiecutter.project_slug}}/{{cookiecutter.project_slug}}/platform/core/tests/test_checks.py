from pytest_django.fixtures import Settings

from {{ cookiecutter.project_slug }}.platform.core.check_ids import check_id
from {{ cookiecutter.project_slug }}.platform.core.checks import (
    check_cache_has_its_own_redis_database,
    check_parser_class_exists,
    check_redis_requires_a_password,
    check_sessions_are_not_in_the_cache,
    redis_database,
)
from {{ cookiecutter.project_slug }}.platform.core.redis_clients import URL_SETTING_ROLES


def ids(messages: list) -> list[str]:  # type: ignore[type-arg]
    return [message.id for message in messages]


def test_generated_settings_pass_every_redis_check() -> None:
    assert check_cache_has_its_own_redis_database(None) == []
    assert check_parser_class_exists(None) == []
    assert check_sessions_are_not_in_the_cache(None) == []


def test_a_role_on_the_cache_database_is_e001(settings: Settings) -> None:
    settings.REDIS_DURABLE_URL = settings.CACHES["default"]["LOCATION"]

    errors = check_cache_has_its_own_redis_database(None)

    assert ids(errors) == [check_id("E001")]
    assert "durable" in errors[0].msg


def test_a_parser_class_that_does_not_exist_is_e002(settings: Settings) -> None:
    cache = settings.CACHES["default"]
    options = {**cache["OPTIONS"], "PARSER_CLASS": "redis.connection.HiredisParser"}
    settings.CACHES = {**settings.CACHES, "default": {**cache, "OPTIONS": options}}

    errors = check_parser_class_exists(None)

    assert ids(errors) == [check_id("E002")]
    assert "remove PARSER_CLASS" in str(errors[0].hint)


def test_redis_without_a_password_is_e003_in_deployments(settings: Settings) -> None:
    errors = check_redis_requires_a_password(None)

    assert ids(errors) == [check_id("E003")]
    assert "durable" in errors[0].msg


def test_redis_with_passwords_passes_e003(settings: Settings) -> None:
    for number, setting in enumerate(URL_SETTING_ROLES.values()):
        setattr(settings, setting, f"redis://:pw@redis:6379/{number}")
    settings.CACHES = {
        alias: {**options, "LOCATION": f"redis://:pw@redis:6379/{number + 10}"}
        for number, (alias, options) in enumerate(settings.CACHES.items())
    }

    assert check_redis_requires_a_password(None) == []


def test_sessions_on_the_default_cache_alias_are_e004(settings: Settings) -> None:
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cache"
    settings.SESSION_CACHE_ALIAS = "default"

    assert ids(check_sessions_are_not_in_the_cache(None)) == [check_id("E004")]


def test_sessions_alias_pointing_at_the_cache_database_is_e004(settings: Settings) -> None:
    cache = settings.CACHES["default"]
    settings.CACHES = {**settings.CACHES, "sessions": {**cache}}
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    settings.SESSION_CACHE_ALIAS = "sessions"

    assert ids(check_sessions_are_not_in_the_cache(None)) == [check_id("E004")]


def test_redis_database_reads_host_port_and_number() -> None:
    assert redis_database("rediss://:secret@cache.internal:6380/7") == ("cache.internal", 6380, 7)
    assert redis_database("redis://localhost") == ("localhost", 6379, 0)
