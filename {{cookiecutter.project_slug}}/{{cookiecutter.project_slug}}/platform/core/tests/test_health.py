import threading

import pytest
from pytest_django.fixtures import Settings
from rest_framework.test import APIClient

from {{ cookiecutter.project_slug }}.platform.core.health import Dependency, health_check
from {{ cookiecutter.project_slug }}.platform.core.redis_clients import redis_role_urls
from {{ cookiecutter.project_slug }}.testing.ports import free_port
from {{ cookiecutter.project_slug }}.testing.redis_servers import OwnRedis

HEALTH_URL = "/api/health/"


@pytest.mark.django_db
def test_health_is_ok_when_postgres_and_redis_answer(anonymous_client: APIClient) -> None:
    response = anonymous_client.get(HEALTH_URL)

    assert response.status_code == 200
    body = response.json()
{%- if cookiecutter.use_celery == "y" %}
    # No Celery worker runs in this test: that degrades the app without making it unavailable.
    assert body["status"] == "degraded"
    assert body["checks"].pop("worker")["status"] == "down"
{%- else %}
    assert body["status"] == "ok"
{%- endif %}
    assert set(body["checks"]) == {"database", *(f"redis.{role}" for role in redis_role_urls())}
    assert all(check["status"] == "ok" for check in body["checks"].values())


@pytest.mark.django_db
def test_health_is_down_with_503_when_redis_does_not_answer(
    anonymous_client: APIClient, settings: Settings
) -> None:
    dead_cache = {**settings.CACHES["default"], "LOCATION": f"redis://127.0.0.1:{free_port()}/1"}
    settings.CACHES = {**settings.CACHES, "default": dead_cache}

    response = anonymous_client.get(HEALTH_URL)

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "down"
    assert body["checks"]["database"]["status"] == "ok"
    assert body["checks"]["redis.cache"]["status"] == "down"
    assert "ConnectionError" in body["checks"]["redis.cache"]["error"]
    assert body["checks"]["redis.durable"]["status"] == "ok"


@pytest.mark.django_db
def test_health_names_the_role_whose_redis_died(
    anonymous_client: APIClient, settings: Settings, own_redis: OwnRedis
) -> None:
    settings.REDIS_URL = own_redis.url()
    assert anonymous_client.get(HEALTH_URL).status_code == 200

    own_redis.stop()
    body = anonymous_client.get(HEALTH_URL).json()

    failing = [name for name, check in body["checks"].items() if check["status"] == "down"]
    assert [name for name in failing if name != "worker"] == ["redis.durable"]


def test_a_hung_dependency_is_reported_down_at_the_deadline() -> None:
    release = threading.Event()

    def hang() -> None:
        release.wait(10)

    hung = Dependency(name="hung", probe=hang)
    try:
        report = health_check(dependencies=(hung,), timeout=0.2)
    finally:
        release.set()

    assert report.status == "down"
    assert report.checks["hung"].error == "no answer in 0.2s"


def test_a_failing_optional_dependency_only_degrades() -> None:
    def broken() -> None:
        raise RuntimeError("optional service is off")

    report = health_check(
        dependencies=(
            Dependency(name="fine", probe=lambda: None),
            Dependency(name="optional", probe=broken, critical=False),
        ),
        timeout=1.0,
    )

    assert report.status == "degraded"
    assert report.checks["fine"].status == "ok"
    assert report.checks["optional"].error == "RuntimeError: optional service is off"
