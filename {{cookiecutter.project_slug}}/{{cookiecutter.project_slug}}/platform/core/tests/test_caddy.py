"""The bundled proxy (the project's Caddyfile, run by the machine's caddy) in front of the
production web server: clients that send their request bodies slowly cannot take its sync
workers from everyone else."""

import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from {{ cookiecutter.project_slug }}.testing.caddy import CaddyProxy
from {{ cookiecutter.project_slug }}.testing.servers import LiveServer, ProductionServer

pytestmark = pytest.mark.system

WORKERS = 2
SLOW_CLIENTS = 5
OTHER_USERS = 4


@contextmanager
def slow_logins(proxy: CaddyProxy, count: int) -> Iterator[None]:
    """`count` clients posting a login body one byte a second, for as long as the block runs."""
    body = json.dumps({"username": "slow", "password": "x" * 60}).encode()
    head = (
        f"POST /api/auth/login/ HTTP/1.1\r\nHost: 127.0.0.1:{proxy.port}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode()
    sockets = [socket.create_connection(("127.0.0.1", proxy.port)) for _ in range(count)]
    done = threading.Event()

    def trickle() -> None:
        for byte in range(len(body)):
            for client in sockets:
                client.sendall(body[byte : byte + 1])
            if done.wait(1.0):
                return

    for client in sockets:
        client.sendall(head)
    sender = threading.Thread(target=trickle, daemon=True)
    sender.start()
    try:
        time.sleep(1.5)  # every slow request has reached the proxy and sent its first bytes
        yield
    finally:
        done.set()
        sender.join(timeout=5)
        for client in sockets:
            client.close()


def test_slow_request_bodies_do_not_stop_other_users(
    tmp_path: Path, django_db_setup: None, start_caddy: Callable[[LiveServer], CaddyProxy]
) -> None:
    web = ProductionServer(
        tmp_path / "gunicorn.log", WEB_CONCURRENCY=str(WORKERS), DJANGO_SECURE_SSL_REDIRECT="False"
    )
    web.start()
    try:
        proxy = start_caddy(web)
        with slow_logins(proxy, SLOW_CLIENTS), httpx.Client(timeout=5) as client:
            # More slow clients than workers: had the proxy streamed their bodies, every worker
            # would be reading one, and these would wait until a slow client finished.
            answers = [client.get(f"{proxy.url}/api/health/live/") for _ in range(OTHER_USERS)]
    finally:
        web.stop()

    assert [answer.status_code for answer in answers] == [200] * OTHER_USERS


def test_a_body_over_the_api_limit_is_refused_by_the_proxy(
    tmp_path: Path, django_db_setup: None, start_caddy: Callable[[LiveServer], CaddyProxy]
) -> None:
    web = ProductionServer(tmp_path / "gunicorn.log", DJANGO_SECURE_SSL_REDIRECT="False")
    web.start()
    try:
        proxy = start_caddy(web)
        too_large = httpx.post(
            f"{proxy.url}/api/auth/login/",
            content=b'{"username": "' + b"x" * 300_000 + b'"}',
            headers={"Content-Type": "application/json"},
            timeout=10,
        )
    finally:
        web.stop()

    assert too_large.status_code == 413
    assert too_large.headers["Content-Type"].startswith("application/json")
    assert too_large.json() == {
        "detail": "The request body is too large.",
        "code": "request_too_large",
    }
    assert "POST /api/auth/login/" not in web.log()  # refused before web saw it


def test_the_proxy_refuses_metrics_that_the_server_gives_its_own_host(
    tmp_path: Path, django_db_setup: None, start_caddy: Callable[[LiveServer], CaddyProxy]
) -> None:
    web = ProductionServer(tmp_path / "gunicorn.log", DJANGO_SECURE_SSL_REDIRECT="False")
    web.start()
    try:
        proxy = start_caddy(web)
        through_the_proxy = httpx.get(f"{proxy.url}/metrics", timeout=10)
        direct = httpx.get(f"{web.url}/metrics", timeout=10)
    finally:
        web.stop()

    assert through_the_proxy.status_code == 403
    assert through_the_proxy.json()["code"] == "permission_denied"
    assert direct.status_code == 200  # loopback, on the default METRICS_ALLOWED_NETWORKS
