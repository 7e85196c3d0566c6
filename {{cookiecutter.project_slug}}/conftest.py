"""Fixtures shared by every app's tests. Postgres and Redis are real (DATABASE_URL,
REDIS_DURABLE_URL)."""

from collections.abc import Iterator

import pytest
from django.conf import settings
from django.core.cache import caches
from redis.exceptions import RedisError
from rest_framework.test import APIClient

from {{ cookiecutter.project_slug }}.platform.accounts.models import User
from {{ cookiecutter.project_slug }}.platform.accounts.tests.factories import UserFactory
from {{ cookiecutter.project_slug }}.platform.core.redis_clients import redis_client

# The harness: fixtures that start processes of their own, and the `system` tier they mark.
pytest_plugins = [
    "{{ cookiecutter.project_slug }}.testing.fixtures",
    "{{ cookiecutter.project_slug }}.testing.browser",
]


@pytest.fixture(scope="session", autouse=True)
def _redis_is_running() -> None:
    """A missing Redis fails the run with the URL to fix, instead of a page of errors."""
    try:
        redis_client("durable").ping()
    except RedisError as error:
        pytest.fail(
            f"Redis is not answering at {settings.REDIS_DURABLE_URL} ({error}). "
            "Start it, or point REDIS_DURABLE_URL at a running server.",
            pytrace=False,
        )


@pytest.fixture(autouse=True)
def _clean_redis_keys() -> Iterator[None]:
    """Delete this run's keys after each test (test settings give the run its own key prefix)."""
    yield
    for alias in settings.CACHES:
        caches[alias].delete_pattern("*")  # type: ignore[attr-defined]
    limiter = redis_client("rate_limit")
    for key in limiter.scan_iter(match=f"{settings.RATE_LIMIT_KEY_PREFIX}:*", count=1000):
        limiter.delete(key)


@pytest.fixture
def user(db: None) -> User:
    return UserFactory.create()


@pytest.fixture
def other_user(db: None) -> User:
    return UserFactory.create()


@pytest.fixture
def api_client(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user=user)
    return client


@pytest.fixture
def anonymous_client() -> APIClient:
    return APIClient()
