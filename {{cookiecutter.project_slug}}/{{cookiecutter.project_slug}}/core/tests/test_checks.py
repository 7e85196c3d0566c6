from pytest_django.fixtures import Settings

from {{ cookiecutter.project_slug }}.core.checks import check_cache_has_its_own_redis_database, redis_database


def test_generated_settings_keep_the_cache_on_its_own_database() -> None:
    assert check_cache_has_its_own_redis_database(None) == []


def test_a_role_on_the_cache_database_is_an_error(settings: Settings) -> None:
    cache_url = settings.CACHES["default"]["LOCATION"]
    settings.CACHES = {
        **settings.CACHES,
        "other": {**settings.CACHES["default"], "LOCATION": cache_url + "?health_check_interval=5"},
    }

    errors = check_cache_has_its_own_redis_database(None)

    assert [error.id for error in errors] == ["{{ cookiecutter.project_slug }}.E001"]
    assert "other" in errors[0].msg
{%- if cookiecutter.use_celery == "y" %}


def test_a_broker_on_the_cache_database_is_an_error(settings: Settings) -> None:
    settings.CELERY_BROKER_URL = settings.CACHES["default"]["LOCATION"]

    errors = check_cache_has_its_own_redis_database(None)

    assert "CELERY_BROKER_URL" in errors[0].msg
{%- endif %}


def test_redis_database_reads_host_port_and_number() -> None:
    assert redis_database("rediss://:secret@cache.internal:6380/7") == ("cache.internal", 6380, 7)
    assert redis_database("redis://localhost") == ("localhost", 6379, 0)
