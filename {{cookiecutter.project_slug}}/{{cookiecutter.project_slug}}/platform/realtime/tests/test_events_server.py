"""The events server (gunicorn with uvicorn workers, config/gunicorn_events.py, production
settings): uvicorn's access lines in the JSON shape of the app's, with the request's id, and a
request's trace under ASGI."""

import json
import sys
import time
from pathlib import Path

import httpx
import pytest

from {{ cookiecutter.project_slug }}.testing.otlp import (
    OtlpReceiver,
    ReceivedSpan,
    descends_from,
    server_span,
)
from {{ cookiecutter.project_slug }}.testing.servers import ProductionServer

pytestmark = pytest.mark.system


class EventsServer(ProductionServer):
    """docker-compose.prod.yml's events service: the same settings, the ASGI server."""

    name = "gunicorn (events)"
    database_pool = "True"

    def command(self) -> list[str]:
        gunicorn = str(Path(sys.executable).with_name("gunicorn"))
        return [gunicorn, "--config", "config/gunicorn_events.py", "config.asgi:application"]


def test_an_access_line_of_the_events_server_is_json_with_the_request_id(
    tmp_path: Path, django_db_setup: None
) -> None:
    server = EventsServer(tmp_path / "events.log", DJANGO_SECURE_SSL_REDIRECT="False")
    server.start()
    try:
        response = httpx.get(
            f"{server.url}/api/health/live/?probe=1", headers={"X-Request-ID": "events-5"}
        )
        deadline = time.monotonic() + 10
        access: list[dict[str, object]] = []
        while not access and time.monotonic() < deadline:
            # Every line: a bare one (not JSON) fails the test.
            lines = [json.loads(line) for line in server.log_path.read_text().splitlines()]
            access = [
                line
                for line in lines
                if line["logger"] == "uvicorn.access" and line["request_id"] == "events-5"
            ]
            time.sleep(0.05)
    finally:
        server.stop()

    assert response.headers["X-Request-ID"] == "events-5"
    assert access, f"no access line for the request:\n{server.log()}"
    assert access[0]["method"] == "GET"
    assert access[0]["path"] == "/api/health/live/"  # the query string left out
    assert access[0]["status"] == response.status_code


@pytest.mark.django_db(transaction=True)
def test_a_request_to_the_events_server_is_one_trace_with_its_database_and_redis_spans(
    tmp_path: Path, otlp_receiver: OtlpReceiver
) -> None:
    server = EventsServer(
        tmp_path / "events.log", DJANGO_SECURE_SSL_REDIRECT="False", **otlp_receiver.env()
    )
    server.start()
    try:
        # The readiness probe reads Postgres and every Redis role.
        response = httpx.get(f"{server.url}/api/health/")

        def request_traced(spans: list[ReceivedSpan]) -> bool:
            request = server_span(spans, "GET", "/api/health/")
            inside = [span for span in spans if request and descends_from(span, request, spans)]
            systems = {span.attributes.get("db.system") for span in inside}
            return {"postgresql", "redis"} <= systems

        spans = otlp_receiver.wait_for(request_traced)
    finally:
        server.stop()

    assert response.status_code == 200, response.text
    request = server_span(spans, "GET", "/api/health/")
    assert request is not None
    assert request.service == "traced-events"
