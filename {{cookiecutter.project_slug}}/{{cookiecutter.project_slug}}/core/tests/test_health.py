import socket
import threading

import pytest
from pytest_django.fixtures import Settings
from rest_framework.test import APIClient

from {{ cookiecutter.project_slug }}.core.health import Dependency, health_check

HEALTH_URL = "/api/health/"


def unused_port() -> int:
    """A local port nothing listens on (bound, read, released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@pytest.mark.django_db
def test_health_is_ok_when_postgres_and_redis_answer(anonymous_client: APIClient) -> None:
    response = anonymous_client.get(HEALTH_URL)

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["status"] == "ok"
    assert body["checks"]["redis"]["status"] == "ok"


@pytest.mark.django_db
def test_health_is_down_with_503_when_redis_does_not_answer(
    anonymous_client: APIClient, settings: Settings
) -> None:
    dead_cache = {**settings.CACHES["default"], "LOCATION": f"redis://127.0.0.1:{unused_port()}/1"}
    settings.CACHES = {**settings.CACHES, "default": dead_cache}

    response = anonymous_client.get(HEALTH_URL)

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "down"
    assert body["checks"]["database"]["status"] == "ok"
    assert body["checks"]["redis"]["status"] == "down"
    assert "ConnectionError" in body["checks"]["redis"]["error"]


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
