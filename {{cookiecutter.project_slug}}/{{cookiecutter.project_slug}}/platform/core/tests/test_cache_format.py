"""Every Redis cache stores JSON, and a value that is not JSON reads as a logged miss."""

import logging

import pytest
from django.core.cache import cache
from pytest_django.fixtures import Settings

from {{ cookiecutter.project_slug }}.platform.core.check_ids import check_id
from {{ cookiecutter.project_slug }}.platform.core.checks import check_redis_caches_store_data_only
from {{ cookiecutter.project_slug }}.platform.core.redis_clients import redis_client


def test_the_generated_caches_pass_the_data_only_check() -> None:
    assert check_redis_caches_store_data_only(None) == []


@pytest.mark.parametrize(
    "change",
    [
        {"OPTIONS": {}},  # django-redis's default serializer: pickle
        {"OPTIONS": {"SERIALIZER": "django_redis.serializers.pickle.PickleSerializer"}},
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "OPTIONS": {}},
    ],
    ids=["default-serializer", "pickle-serializer", "django-redis-cache"],
)
def test_a_redis_cache_that_pickles_is_e035(settings: Settings, change: dict[str, object]) -> None:
    settings.CACHES = {**settings.CACHES, "extra": {**settings.CACHES["default"], **change}}

    errors = check_redis_caches_store_data_only(None)

    assert [error.id for error in errors] == [check_id("E035")]
    assert 'CACHES["extra"]' in errors[0].msg


def test_a_value_that_is_not_json_reads_as_a_logged_miss(caplog: pytest.LogCaptureFixture) -> None:
    redis_client("cache").set(cache.make_key("planted"), b"\x80\x04K\x01.")  # pickle of 1

    with caplog.at_level(logging.WARNING):
        assert cache.get("planted") is None

    assert "not JSON" in caplog.text


def test_a_value_that_cannot_be_stored_as_json_is_refused() -> None:
    with pytest.raises(TypeError):
        cache.set("an-object", object())


@pytest.mark.parametrize(
    "value",
    [{"id": 1, "tags": ["a"]}, [1, "two"], "text", 42, -7, 1.5, True, None, ""],
    ids=["object", "array", "string", "int", "negative-int", "float", "bool", "null", "empty"],
)
def test_every_kind_of_value_reads_back_as_written(value: object) -> None:
    # JSON objects, arrays and strings skip django-redis's int() attempt (core/cache_client.py);
    # integers are stored bare, and every other value takes django-redis's own path.
    cache.set("kind", value)

    assert cache.get("kind", default="missing") == value
    assert type(cache.get("kind")) is type(value)


def test_integers_stay_bare_so_incr_counts_in_redis() -> None:
    cache.set("counter", 41)

    assert cache.incr("counter") == 42
    assert redis_client("cache").get(cache.make_key("counter")) == b"42"


def test_a_planted_value_that_looks_like_json_but_is_not_reads_as_a_logged_miss(
    caplog: pytest.LogCaptureFixture,
) -> None:
    redis_client("cache").set(cache.make_key("planted-object"), b"{not json")

    with caplog.at_level(logging.WARNING):
        assert cache.get("planted-object") is None

    assert "not JSON" in caplog.text
