"""Fixtures shared by every app's tests. Postgres and Redis are real (DATABASE_URL, REDIS_URL)."""

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import caches
from redis.exceptions import RedisError
from rest_framework.test import APIClient

from {{ cookiecutter.project_slug }}.accounts.models import User
from {{ cookiecutter.project_slug }}.accounts.tests.factories import UserFactory
from {{ cookiecutter.project_slug }}.core.redis_clients import redis_client
from {{ cookiecutter.project_slug }}.core.tests.live_process import LiveServer
from {{ cookiecutter.project_slug }}.core.tests.redis_server import OwnRedis, SentinelDeployment
{%- if cookiecutter.use_celery == "y" %}
from {{ cookiecutter.project_slug }}.jobs.tests.worker_process import WorkerProcess
{%- endif %}


@pytest.fixture(scope="session", autouse=True)
def _redis_is_running() -> None:
    """A missing Redis fails the run with the URL to fix, instead of a page of errors."""
    try:
        redis_client("durable").ping()
    except RedisError as error:
        pytest.fail(
            f"Redis is not answering at {settings.REDIS_URL} ({error}). "
            "Start it, or point REDIS_URL at a running server.",
            pytrace=False,
        )


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[OwnRedis]:
    """A redis-server on a free port that this test may stop, restart or fill."""
    server = OwnRedis(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def sentinel_deployment(tmp_path: Path) -> Iterator[SentinelDeployment]:
    """A master, a replica and three sentinels of this test's own, stopped when it ends."""
    deployment = SentinelDeployment(tmp_path)
    deployment.start()
    yield deployment
    deployment.stop()


@pytest.fixture
def start_server(tmp_path: Path) -> Iterator[Callable[..., LiveServer]]:
    """Start the project under uvicorn for this test; every server stops when it ends."""
    servers: list[LiveServer] = []

    def start(**env: str) -> LiveServer:
        server = LiveServer(tmp_path / f"uvicorn-{len(servers)}.log", **env)
        servers.append(server)
        return server.start()

    yield start
    for server in servers:
        server.stop()
{%- if cookiecutter.use_celery == "y" %}


@pytest.fixture
def start_worker(tmp_path: Path) -> Iterator[Callable[..., WorkerProcess]]:
    """Start real Celery workers for this test; all are stopped when it ends."""
    workers: list[WorkerProcess] = []

    def start(name: str, **env: str) -> WorkerProcess:
        worker = WorkerProcess(name, tmp_path / f"{name}.log", **env)
        workers.append(worker)
        return worker.start()

    yield start
    for worker in workers:
        worker.stop()
{%- endif %}


@pytest.fixture(autouse=True)
def _clean_redis_keys() -> Iterator[None]:
    """Delete this run's keys after each test (test settings give the run its own key prefix)."""
    yield
    for alias in settings.CACHES:
        caches[alias].delete_pattern("*")  # type: ignore[attr-defined]
    limiter = redis_client("ratelimit")
    for key in limiter.scan_iter(match=f"{settings.RATELIMIT_KEY_PREFIX}:*", count=1000):
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
