"""With the cache's Redis down, the notes API answers from Postgres, writes succeed, failures
are logged, and the cache is used again as soon as Redis is back, without a restart."""

import logging
from collections.abc import Iterator

import pytest
from pytest_django.fixtures import Settings
from rest_framework.test import APIClient

from {{ cookiecutter.project_slug }}.notes.models import Note
from {{ cookiecutter.project_slug }}.notes.tests.factories import NoteFactory
from {{ cookiecutter.project_slug }}.platform.accounts.models import User
from {{ cookiecutter.project_slug }}.platform.core.redis_clients import redis_client
from {{ cookiecutter.project_slug }}.testing.redis_servers import OwnRedis

pytestmark = pytest.mark.django_db

NOTES_URL = "/api/notes/"


@pytest.fixture
def cache_on_own_redis(settings: Settings, own_redis: OwnRedis) -> OwnRedis:
    cache = settings.CACHES["default"]
    settings.CACHES = {**settings.CACHES, "default": {**cache, "LOCATION": own_redis.url(db=1)}}
    return own_redis


@pytest.fixture
def cache_log(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    # The cache logger does not propagate to the root logger, where caplog listens.
    logger = logging.getLogger("{{ cookiecutter.project_slug }}.cache")
    logger.addHandler(caplog.handler)
    yield caplog
    logger.removeHandler(caplog.handler)


def cached_note_keys() -> list[bytes | str]:
    return redis_client("cache").keys("*notes:owner:*")


def test_reads_are_served_from_postgres_while_the_cache_is_down(
    api_client: APIClient, user: User, cache_on_own_redis: OwnRedis
) -> None:
    note = NoteFactory.create(owner=user)
    cache_on_own_redis.stop()

    listing = api_client.get(NOTES_URL)
    detail = api_client.get(f"{NOTES_URL}{note.pk}/")

    assert listing.status_code == 200
    assert listing.json()["results"][0]["id"] == note.pk
    assert detail.status_code == 200


def test_writes_succeed_while_the_cache_is_down(
    api_client: APIClient, cache_on_own_redis: OwnRedis
) -> None:
    cache_on_own_redis.stop()

    response = api_client.post(NOTES_URL, {"title": "Written blind"}, format="json")

    assert response.status_code == 201
    assert Note.objects.filter(title="Written blind").exists()


def test_each_ignored_cache_failure_is_logged(
    api_client: APIClient,
    cache_on_own_redis: OwnRedis,
    cache_log: pytest.LogCaptureFixture,
) -> None:
    cache_on_own_redis.stop()

    api_client.get(NOTES_URL)

    cache_errors = cache_log.records
    assert cache_errors, "a cache outage must not be silent"
    assert all(
        record.exc_info and "Connection" in repr(record.exc_info[1]) for record in cache_errors
    )


def test_the_cache_is_used_again_once_redis_is_back(
    api_client: APIClient, user: User, cache_on_own_redis: OwnRedis
) -> None:
    NoteFactory.create(owner=user)
    api_client.get(NOTES_URL)  # pooled connections now exist...
    cache_on_own_redis.stop()  # ...and die with the server
    api_client.get(NOTES_URL)

    cache_on_own_redis.start()  # same port, empty
    first = api_client.get(NOTES_URL)

    assert first.status_code == 200
    assert cached_note_keys(), "the page was not cached after Redis came back"
