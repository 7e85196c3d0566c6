"""The production web server (gunicorn, production settings, its own log configuration): every
line written while it serves a request is JSON with that request's id, as on the response."""

import json
import time
from collections.abc import Callable, Iterator

import httpx
import pytest

from {{ cookiecutter.project_slug }}.testing.servers import ProductionServer

pytestmark = pytest.mark.system


@pytest.fixture(scope="module")
def server(
    tmp_path_factory: pytest.TempPathFactory, django_db_setup: None
) -> Iterator[ProductionServer]:
    log_path = tmp_path_factory.mktemp("logs") / "gunicorn.log"
    # DJANGO_LOG_FORMAT unset: production's default.
    server = ProductionServer(log_path, DJANGO_SECURE_SSL_REDIRECT="False")
    server.env.pop("DJANGO_LOG_FORMAT", None)
    server.start()
    yield server
    server.stop()


def quiet_log_size(server: ProductionServer) -> int:
    """The log's size once nothing was added for a moment: an earlier request's access line
    (written after its response was sent) is not counted as this one's."""
    size = -1
    while size != server.log_path.stat().st_size:
        size = server.log_path.stat().st_size
        time.sleep(0.3)
    return size


def lines_while(
    server: ProductionServer, send: Callable[[], httpx.Response]
) -> tuple[httpx.Response, list[str]]:
    """The response to `send()` and the log lines written from its start to its access line."""
    start = quiet_log_size(server)
    response = send()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with server.log_path.open("rb") as log:
            log.seek(start)
            lines = log.read().decode().splitlines()
        if any('"gunicorn.access"' in line for line in lines):
            return response, lines
        time.sleep(0.05)
    pytest.fail(f"no access line for the request:\n{server.log()}")


def test_every_line_of_a_request_is_json_with_the_id_the_response_carries(
    server: ProductionServer,
) -> None:
    response, lines = lines_while(
        server,
        lambda: httpx.get(f"{server.url}/api/no-such-page/", headers={"X-Request-ID": "support-7"}),
    )

    assert response.status_code == 404
    assert response.headers["X-Request-ID"] == "support-7"
    records = [json.loads(line) for line in lines]  # every line, not only ours: all JSON
    assert {record["request_id"] for record in records} == {"support-7"}
    assert {record["logger"] for record in records} >= {"django.request", "gunicorn.access"}
    access = next(record for record in records if record["logger"] == "gunicorn.access")
    assert access["method"] == "GET"
    assert access["path"] == "/api/no-such-page/"
    assert access["status"] == 404
    assert 0 < access["duration"] < 10


def test_a_bad_incoming_id_is_replaced_in_the_response_and_the_logs(
    server: ProductionServer,
) -> None:
    forged = "forged id\tinjected"

    response, lines = lines_while(
        server,
        lambda: httpx.get(f"{server.url}/api/no-such-page/", headers={"X-Request-ID": forged}),
    )

    generated = response.headers["X-Request-ID"]
    assert generated != forged
    assert len(generated) == 32
    assert {json.loads(line)["request_id"] for line in lines} == {generated}
    assert not any("injected" in line for line in lines)


def test_the_servers_own_lines_are_json_too(server: ProductionServer) -> None:
    records = [json.loads(line) for line in server.log_path.read_text().splitlines()]

    assert any(record["logger"] == "gunicorn.error" for record in records)  # "Booting worker"
    assert all(record["level"] for record in records)
