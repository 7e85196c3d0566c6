"""Tracing: off unless the OTEL_* variables ask for it, and on, one trace per request from the
production web server (gunicorn) with its database and Redis work inside."""

from pathlib import Path

import psycopg
import pytest
import redis
from django.conf import settings
from opentelemetry import trace

from {{ cookiecutter.project_slug }}.platform.accounts.models import User
from {{ cookiecutter.project_slug }}.platform.accounts.tests.factories import PASSWORD
from {{ cookiecutter.project_slug }}.platform.observability.tracing import (
    service_name,
    start_tracing,
    tracing_requested,
)
from {{ cookiecutter.project_slug }}.testing.harness_app.urls import HARNESS_URL
from {{ cookiecutter.project_slug }}.testing.otlp import (
    OtlpReceiver,
    ReceivedSpan,
    descends_from,
    server_span,
    traced_server,
)
from {{ cookiecutter.project_slug }}.testing.servers import ApiSession

OTEL_VARIABLES = (
    "OTEL_EXPORTER_OTLP_ENDPOINT",
    "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
    "OTEL_TRACES_EXPORTER",
    "OTEL_SDK_DISABLED",
    "OTEL_SERVICE_NAME",
)


@pytest.fixture
def no_otel_environment(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in OTEL_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


@pytest.mark.parametrize(
    "variables",
    [
        {},
        {"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318", "OTEL_TRACES_EXPORTER": "none"},
        {"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318", "OTEL_SDK_DISABLED": "true"},
    ],
    ids=["no-endpoint", "exporter-none", "sdk-disabled"],
)
def test_tracing_off_installs_no_instrumentation(
    no_otel_environment: pytest.MonkeyPatch, variables: dict[str, str]
) -> None:
    for name, value in variables.items():
        no_otel_environment.setenv(name, value)

    assert start_tracing("web") is None

    assert isinstance(trace.get_tracer_provider(), trace.ProxyTracerProvider)
    assert not any("opentelemetry" in middleware for middleware in settings.MIDDLEWARE)
    # The instrumentations wrap these in place (wrapt): unwrapped, they are the libraries' own.
    assert not hasattr(redis.Redis.execute_command, "__wrapped__")
    assert not hasattr(psycopg.connect, "__wrapped__")
    assert not hasattr(psycopg.Connection.connect, "__wrapped__")


def test_an_otlp_endpoint_asks_for_tracing(no_otel_environment: pytest.MonkeyPatch) -> None:
    no_otel_environment.setenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://127.0.0.1:4318")

    assert tracing_requested()


def test_each_process_kind_is_a_service_of_its_own(
    no_otel_environment: pytest.MonkeyPatch,
) -> None:
    assert service_name("web") == "{{ cookiecutter.project_slug }}-web"
    no_otel_environment.setenv("OTEL_SERVICE_NAME", "shop")
    assert [service_name(kind) for kind in ("web", "events")] == ["shop-web", "shop-events"]


@pytest.mark.system
@pytest.mark.django_db(transaction=True)
def test_a_request_to_gunicorn_is_one_trace_with_its_database_and_redis_spans(
    tmp_path: Path, otlp_receiver: OtlpReceiver, user: User
) -> None:
    server = traced_server(tmp_path, otlp_receiver).start()
    session = ApiSession()
    try:
        assert session.login(server, user.username, PASSWORD).status_code == 200
        assert session.get(server, HARNESS_URL).status_code == 200

        def request_traced(spans: list[ReceivedSpan]) -> bool:
            request = server_span(spans, "GET", HARNESS_URL)
            inside = [span for span in spans if request and descends_from(span, request, spans)]
            systems = {span.attributes.get("db.system") for span in inside}
            return {"postgresql", "redis"} <= systems

        spans = otlp_receiver.wait_for(request_traced)
    finally:
        session.close()
        server.stop()

    request = server_span(spans, "GET", HARNESS_URL)
    assert request is not None
    assert request.service == "traced-web"
    assert request.attributes.get("http.route") == HARNESS_URL.lstrip("/")
    in_trace = {span.service for span in spans if span.trace_id == request.trace_id}
    assert in_trace == {"traced-web"}
