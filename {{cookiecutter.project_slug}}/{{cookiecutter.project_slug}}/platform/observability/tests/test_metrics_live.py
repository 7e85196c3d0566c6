"""/metrics from the production web server with two workers: Prometheus's own parser reads it,
and the counts add up over both workers."""

from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from {{ cookiecutter.project_slug }}.testing.servers import ProductionServer

pytestmark = pytest.mark.system

REQUESTS = 60


def samples(text: str, name: str) -> list[tuple[dict[str, str], float]]:
    return [
        (sample.labels, sample.value)
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == name
    ]


def health_requests_counted(text: str) -> float:
    return sum(
        value
        for labels, value in samples(text, "http_requests_total")
        if labels["route"] == "api/health/" and labels["method"] == "GET"
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
        before = health_requests_counted(httpx.get(f"{server.url}/metrics").text)
        # A new connection per request: gunicorn's workers take turns accepting them.
        statuses = [httpx.get(f"{server.url}/api/health/").status_code for _ in range(REQUESTS)]
        text = httpx.get(f"{server.url}/metrics").text
        # Each worker writes its own files (counter_<pid>.db): both answered some requests.
        writers = {path.stem for path in tmp_path.glob("prometheus-web-*/counter_*.db")}
    finally:
        server.stop()

    assert len(writers) == 2, writers
    assert health_requests_counted(text) - before == REQUESTS, statuses
    durations = samples(text, "http_request_duration_seconds_count")
    assert sum(v for labels, v in durations if labels["route"] == "api/health/") >= REQUESTS


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
