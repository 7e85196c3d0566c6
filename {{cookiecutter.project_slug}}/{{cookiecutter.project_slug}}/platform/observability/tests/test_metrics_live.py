"""/metrics from the production web server with two workers: Prometheus's own parser reads it,
and the counts add up over both workers."""

from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from {{ cookiecutter.project_slug }}.testing.servers import LiveServer, ProductionServer

pytestmark = pytest.mark.system

REQUESTS = 60


def samples(text: str, name: str) -> list[tuple[dict[str, str], float]]:
    return [
        (sample.labels, sample.value)
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == name
    ]


# Not /api/health/, which the harness polls while the server starts (a poll that timed out may
# still be answered later, inside the count).
ROUTE = "api/health/live/"


def requests_counted(text: str) -> float:
    return sum(
        value
        for labels, value in samples(text, "http_requests_total")
        if labels["route"] == ROUTE and labels["method"] == "GET"
    )


def test_two_workers_count_every_request_between_them(
    tmp_path: Path, django_db_setup: None
) -> None:
    server = ProductionServer(
        tmp_path / "gunicorn.log",
        WEB_CONCURRENCY="2",
        DJANGO_SECURE_SSL_REDIRECT="False",
        METRICS_MULTIPROC_ROOT=str(tmp_path),
    )
    server.start()
    try:
        before = requests_counted(httpx.get(f"{server.url}/metrics").text)
        # A new connection per request: gunicorn's workers take turns accepting them.
        statuses = [httpx.get(f"{server.url}/{ROUTE}").status_code for _ in range(REQUESTS)]
        text = httpx.get(f"{server.url}/metrics").text
        # Each worker writes its own files (counter_<pid>.db): both answered some requests.
        writers = {path.stem for path in tmp_path.glob("prometheus-web-*/counter_*.db")}
    finally:
        server.stop()

    assert len(writers) == 2, writers
    assert statuses == [200] * REQUESTS
    assert requests_counted(text) - before == REQUESTS
    durations = samples(text, "http_request_duration_seconds_count")
    assert sum(v for labels, v in durations if labels["route"] == ROUTE) == REQUESTS


def test_metrics_are_refused_to_an_address_outside_the_allowed_networks(
    tmp_path: Path, django_db_setup: None
) -> None:
    server = ProductionServer(
        tmp_path / "gunicorn.log",
        DJANGO_SECURE_SSL_REDIRECT="False",
        METRICS_ALLOWED_NETWORKS="192.0.2.0/24",
    )
    server.start()
    try:
        response = httpx.get(f"{server.url}/metrics")
    finally:
        server.stop()

    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert "http_requests_total" not in response.text


def test_a_server_on_a_database_pool_reports_its_connections(
    tmp_path: Path, django_db_setup: None
) -> None:
    # The development and test ASGI server takes its connections from psycopg's pool, as the
    # events server does in production (components/database.py).
    server = LiveServer(tmp_path / "uvicorn.log")
    server.start()
    try:
        for _ in range(3):
            httpx.get(f"{server.url}/api/health/")
        text = httpx.get(f"{server.url}/metrics").text
    finally:
        server.stop()

    pool = {labels["state"]: value for labels, value in samples(text, "db_pool_connections")}
    assert set(pool) == {"in_use", "idle"}
    assert pool["in_use"] + pool["idle"] >= 1  # the health probe's connection came from the pool
