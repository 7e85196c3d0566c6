import json
import subprocess
import sys
import threading
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from pytest_django.fixtures import Settings
from rest_framework.test import APIClient

from {{ cookiecutter.project_slug }}.platform.accounts.models import User
from {{ cookiecutter.project_slug }}.platform.accounts.tests.factories import UserFactory
from {{ cookiecutter.project_slug }}.platform.core import health, healthprobe
from {{ cookiecutter.project_slug }}.platform.core.health import (
    Dependency,
    cached_report,
    health_check,
)
from {{ cookiecutter.project_slug }}.platform.core.redis_clients import redis_role_urls
from {{ cookiecutter.project_slug }}.testing.ports import free_port
from {{ cookiecutter.project_slug }}.testing.redis_servers import OwnRedis

HEALTH_URL = "/api/health/"


def kill_the_cache(settings: Settings) -> int:
    """Point the cache role at a port nothing listens on; returns the port."""
    port = free_port()
    dead_cache = {**settings.CACHES["default"], "LOCATION": f"redis://127.0.0.1:{port}/1"}
    settings.CACHES = {**settings.CACHES, "default": dead_cache}
    return port


@pytest.mark.django_db
def test_health_is_ok_when_postgres_and_redis_answer(
    anonymous_client: APIClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Only the platform's own dependencies: a feature's registered probe (the worker's) is its
    # feature's test.
    monkeypatch.setattr(health, "registered_probes", {})

    response = anonymous_client.get(HEALTH_URL)

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
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
    assert body["checks"]["redis.cache"] == {"status": "down"}
    assert body["checks"]["redis.durable"] == {"status": "ok"}


@pytest.mark.django_db
def test_health_names_the_role_whose_redis_died(
    anonymous_client: APIClient, settings: Settings, own_redis: OwnRedis
) -> None:
    settings.REDIS_DURABLE_URL = own_redis.url()
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


@pytest.mark.django_db
def test_the_public_answer_names_no_internal_host_or_error(
    anonymous_client: APIClient, settings: Settings
) -> None:
    port = kill_the_cache(settings)

    response = anonymous_client.get(HEALTH_URL)

    assert response.status_code == 503
    assert {"status"} == {key for check in response.json()["checks"].values() for key in check}
    assert str(port) not in response.content.decode()
    assert "Error" not in response.content.decode()


@pytest.fixture
def staff_client(db: None) -> APIClient:
    client = APIClient()
    client.force_login(UserFactory.create(is_staff=True))
    return client


def test_staff_see_each_error_and_latency(staff_client: APIClient, settings: Settings) -> None:
    port = kill_the_cache(settings)

    body = staff_client.get(HEALTH_URL).json()

    cache = body["checks"]["redis.cache"]
    assert cache["status"] == "down"
    assert cache["critical"] is True
    assert "ConnectionError" in cache["error"]
    assert str(port) in cache["error"]
    assert body["checks"]["database"]["error"] is None
    assert body["checks"]["database"]["latency_ms"] >= 0


@pytest.mark.django_db
def test_a_non_staff_user_gets_the_public_answer(
    anonymous_client: APIClient, user: User, settings: Settings
) -> None:
    kill_the_cache(settings)
    anonymous_client.force_login(user)

    body = anonymous_client.get(HEALTH_URL).json()

    assert body["checks"]["redis.cache"] == {"status": "down"}


@pytest.mark.django_db
def test_a_bad_token_still_gets_the_public_answer(anonymous_client: APIClient) -> None:
    response = anonymous_client.get(HEALTH_URL, HTTP_AUTHORIZATION="Bearer not-a-token")

    assert response.status_code == 200
    assert response.json()["checks"]["database"] == {"status": "ok"}


def test_liveness_touches_no_database_or_redis(
    anonymous_client: APIClient, settings: Settings
) -> None:
    # No django_db mark: pytest-django fails any database access in this test.
    kill_the_cache(settings)
    settings.REDIS_DURABLE_URL = f"redis://127.0.0.1:{free_port()}/0"

    response = anonymous_client.get("/api/health/live/")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_ready_is_the_same_readiness_report(
    anonymous_client: APIClient, settings: Settings
) -> None:
    kill_the_cache(settings)

    response = anonymous_client.get("/api/health/ready/")

    assert response.status_code == 503
    assert response.json()["checks"]["redis.cache"] == {"status": "down"}


@pytest.mark.django_db
def test_the_report_is_kept_for_health_cache_seconds(
    anonymous_client: APIClient, settings: Settings
) -> None:
    settings.HEALTH_CACHE_SECONDS = 60
    cached_report.clear()
    try:
        assert anonymous_client.get(HEALTH_URL).status_code == 200
        kill_the_cache(settings)
        kept = anonymous_client.get(HEALTH_URL)
        cached_report.clear()
        fresh = anonymous_client.get(HEALTH_URL)
    finally:
        cached_report.clear()

    assert kept.status_code == 200
    assert fresh.status_code == 503


def test_a_hung_dependency_is_probed_once_until_it_answers() -> None:
    release = threading.Event()
    calls: list[int] = []

    def hang() -> None:
        calls.append(1)
        release.wait(10)

    hung = Dependency(name="hung-once", probe=hang)
    try:
        reports = [health_check(dependencies=(hung,), timeout=0.1) for _ in range(3)]
    finally:
        release.set()

    assert [report.status for report in reports] == ["down"] * 3
    assert len(calls) == 1


@pytest.mark.django_db
def test_the_healthcheck_command_prints_the_details_in_process(settings: Settings) -> None:
    port = kill_the_cache(settings)
    out = StringIO()

    with pytest.raises(SystemExit) as exited:
        call_command("healthcheck", "--in-process", stdout=out)

    assert exited.value.code == 1
    report = json.loads(out.getvalue())
    assert report["status"] == "down"
    assert str(port) in report["checks"]["redis.cache"]["error"]


@pytest.mark.django_db(transaction=True)
def test_the_container_probe_passes_on_a_healthy_server(
    live_server: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(health, "registered_probes", {})
    # The first concrete host is the one the probe names; the live server allows `localhost`.
    allowed = "*,.localhost,example.com"

    exit_code = healthprobe.main([f"{live_server.url}{HEALTH_URL}", "--allowed-hosts", allowed])

    assert exit_code == 0
    assert json.loads(capsys.readouterr().out)["status"] == "ok"


@pytest.mark.django_db(transaction=True)
def test_the_container_probe_fails_on_a_503_and_on_no_answer(
    live_server: Any, settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    kill_the_cache(settings)

    assert healthprobe.main([f"{live_server.url}{HEALTH_URL}"]) == 1
    assert "unhealthy: HTTP Error 503" in capsys.readouterr().err
    assert healthprobe.main([f"http://127.0.0.1:{free_port()}{HEALTH_URL}"]) == 1
    assert "unhealthy:" in capsys.readouterr().err


@pytest.mark.system
def test_the_container_probe_does_not_boot_django() -> None:
    # Its whole point: Docker runs it every 15 seconds, and a Django start-up per probe can
    # outlast the check's timeout on a busy host.
    import_the_probe = f"import sys, {healthprobe.__name__}; print('django' in sys.modules)"
    imported = subprocess.run(  # noqa: S603  (this interpreter, our own code)
        [sys.executable, "-c", import_the_probe],
        capture_output=True,
        text=True,
        check=True,
        # Where the project's package is imported from, as from the container's /app.
        cwd=Path(healthprobe.__file__).resolve().parents[3],
    )

    assert imported.stdout.strip() == "False"
