"""The project served in a subprocess: under uvicorn (test settings) or under the production
server command (gunicorn), each on a port of its own; and a user's session against them."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from django.conf import settings

from {{ cookiecutter.project_slug }}.testing.ports import free_port, listening
from {{ cookiecutter.project_slug }}.testing.project import (
    PROJECT_DIR,
    live_process_env,
    production_env,
)


class LiveServer:
    """The project under uvicorn (test settings), on a port of its own."""

    name = "uvicorn"
    database_pool = "True"
    stop_signal = signal.SIGINT

    def __init__(self, log_path: Path, **env: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self.env = self.process_env(**env)
        # The server and Django must agree on whom to believe: both get this one list.
        self.env.setdefault("TRUSTED_PROXIES", ",".join(settings.TRUSTED_PROXIES))
        # What the server's own command sets (components/database.py): the pool under ASGI.
        self.env.setdefault("DATABASE_POOL", self.database_pool)
        self.process: subprocess.Popen[bytes] | None = None

    def process_env(self, **env: str) -> dict[str, str]:
        return live_process_env(**env)

    def command(self) -> list[str]:
        command = [sys.executable, "-m", "uvicorn", "config.asgi:application"]
        command += ["--host", "127.0.0.1", "--port", str(self.port), "--lifespan", "off"]
        return [*command, "--forwarded-allow-ips", self.env["TRUSTED_PROXIES"]]

    def start(self) -> "LiveServer":
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(  # noqa: S603  (our own server command)
                self.command(),
                cwd=PROJECT_DIR,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 30
        while not listening(self.port):
            if self.process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"{self.name} did not start:\n{self.log()}")
            time.sleep(0.05)
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(self.stop_signal)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                # Its own process group (start_new_session): no child outlives it.
                os.killpg(self.process.pid, signal.SIGKILL)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:]


class ProductionServer(LiveServer):
    """The production web server command (docker-compose.prod.yml's web: gunicorn with WSGI sync
    workers, config/gunicorn.py, production settings), on the test run's database and keys.
    gunicorn reads TRUSTED_PROXIES itself, through config/proxies.py."""

    name = "gunicorn"
    database_pool = "False"  # persistent connections: one thread per worker
    # Graceful and prompt (gunicorn's quick shutdown, SIGINT, waits out graceful_timeout).
    stop_signal = signal.SIGTERM

    def process_env(self, **env: str) -> dict[str, str]:
        defaults = {"GUNICORN_BIND": f"127.0.0.1:{self.port}", "WEB_CONCURRENCY": "1"}
        return production_env(**{**defaults, **env})

    def command(self) -> list[str]:
        gunicorn = str(Path(sys.executable).with_name("gunicorn"))
        return [gunicorn, "--config", "config/gunicorn.py", "config.wsgi:application"]

    def start(self) -> "LiveServer":
        super().start()
        # gunicorn's master listens before its worker has imported Django: wait for an answer.
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(f"{self.url}/api/health/", timeout=5)
                return self
            except httpx.TransportError:
                if self.process is None or self.process.poll() is not None:
                    pytest.fail(f"gunicorn exited:\n{self.log()}")
                if time.monotonic() > deadline:
                    pytest.fail(f"gunicorn did not answer:\n{self.log()}")
                time.sleep(0.1)


class ApiSession:
    """One user's session against live servers: a cookie jar shared by every server on this host
    (cookies ignore ports), the CSRF token sent back on writes, as a same-site front end does."""

    def __init__(self) -> None:
        self.http = httpx.Client(timeout=15)

    def login(self, server: LiveServer, username: str, password: str) -> httpx.Response:
        credentials = {"username": username, "password": password}
        return self.http.post(f"{server.url}/api/auth/login/", json=credentials)

    def get(self, server: LiveServer, path: str) -> httpx.Response:
        return self.http.get(f"{server.url}{path}")

    def post(self, server: LiveServer, path: str, body: object = None) -> httpx.Response:
        headers = {"X-CSRFToken": self.http.cookies.get("csrftoken") or ""}
        return self.http.post(f"{server.url}{path}", json=body, headers=headers)

    def close(self) -> None:
        self.http.close()
