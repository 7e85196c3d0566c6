"""/metrics in one process: what a request records, who may read it, and nothing when off."""

import json

import pytest
from django.test import Client
from prometheus_client.parser import text_string_to_metric_families

from {{ cookiecutter.project_slug }}.platform.observability import metrics_http
from {{ cookiecutter.project_slug }}.testing.project import run_project

METRICS_MIDDLEWARE = f"{metrics_http.__name__}.request_metrics_middleware"


def counted(client: Client, *, route: str, method: str, status: str) -> float:
    text = client.get("/metrics").content.decode()
    return sum(
        sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == "http_requests_total"
        and sample.labels == {"route": route, "method": method, "status": status}
    )


@pytest.mark.django_db
def test_a_request_is_counted_under_its_url_pattern_not_its_path(client: Client) -> None:
    before = counted(client, route="api/health/", method="GET", status="200")
    client.get("/api/health/")
    assert counted(client, route="api/health/", method="GET", status="200") == before + 1


@pytest.mark.django_db
def test_a_path_no_pattern_matches_is_counted_as_unmatched(client: Client) -> None:
    before = counted(client, route="unmatched", method="GET", status="404")
    client.get("/no-such-page-7f3a/")
    client.get("/another-missing-page-9c1e/")
    assert counted(client, route="unmatched", method="GET", status="404") == before + 2


def test_metrics_are_refused_in_the_error_shape_outside_the_allowed_networks(
    client: Client,
) -> None:
    response = client.get("/metrics", REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 403
    assert response.json() == {
        "detail": "You do not have permission to perform this action.",
        "code": "permission_denied",
    }


def test_a_client_cannot_claim_an_allowed_address_with_x_forwarded_for(client: Client) -> None:
    response = client.get("/metrics", REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="127.0.0.1")
    assert response.status_code == 403


def test_behind_a_trusted_proxy_the_real_client_is_judged(client: Client) -> None:
    response = client.get("/metrics", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert response.status_code == 403


def test_an_allowed_network_may_scrape(client: Client, settings: object) -> None:
    settings.METRICS_ALLOWED_NETWORKS = ["203.0.113.0/24"]  # type: ignore[attr-defined]
    response = client.get("/metrics", REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")


@pytest.mark.system
def test_metrics_off_installs_neither_middleware_nor_url() -> None:
    code = (
        "import json; from django.conf import settings\n"
        "from django.urls import Resolver404, resolve\n"
        "try:\n    route = resolve('/metrics').route\nexcept Resolver404:\n    route = None\n"
        "from {{ cookiecutter.project_slug }}.platform.core.redis_clients import redis_client\n"
        "client = type(redis_client('durable')).__name__\n"
        "print(json.dumps({'middleware': settings.MIDDLEWARE, 'route': route, 'redis': client}))"
    )
    off = run_project(code, METRICS_ENABLED="False")
    on = run_project(code, METRICS_ENABLED="True")

    assert off.returncode == 0, off.stderr
    assert on.returncode == 0, on.stderr
    off_installed, on_installed = json.loads(off.stdout), json.loads(on.stdout)
    assert on_installed["middleware"][0] == METRICS_MIDDLEWARE
    assert (on_installed["route"], on_installed["redis"]) == ("metrics", "TimedRedis")
    assert METRICS_MIDDLEWARE not in off_installed["middleware"]
    assert (off_installed["route"], off_installed["redis"]) == (None, "Redis")
