"""Running the project in other processes (servers, workers) against the test run's database
and Redis keys, and the project under uvicorn in a subprocess."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from django.conf import settings

from {{ cookiecutter.project_slug }}.core.tests.redis_server import free_port, listening

PROJECT_DIR = Path(__file__).resolve().parents[3]


def test_database_url() -> str:
    """DATABASE_URL of the database pytest-django created, for another process to share."""
    db = settings.DATABASES["default"]
    credentials = quote(db["USER"] or "")
    if db.get("PASSWORD"):
        credentials += f":{quote(db['PASSWORD'])}"
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def live_process_env(**overrides: str) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "TEST_RUN_KEY_PREFIX": settings.TEST_RUN_KEY_PREFIX,
        "DATABASE_URL": test_database_url(),
        "REDIS_URL": settings.REDIS_URL,
        **overrides,
    }


def run_project(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    """`code` in a fresh process of the project, with its settings built from `env`."""
    return subprocess.run(  # noqa: S603  (our own interpreter, fixed code)
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=PROJECT_DIR,
        env=live_process_env(**env),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def check_redis_report(**env: str) -> dict[str, bool]:
    """Each role's verdict from `manage.py check_redis --json` run with `env`."""
    code = "from django.core.management import call_command; call_command('check_redis', json=True)"
    result = run_project(code, **env)
    report = json.loads(result.stdout)
    return {role["role"]: role["ok"] for role in report["roles"]}


class LiveServer:
    def __init__(self, log_path: Path, **env: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self.env = live_process_env(**env)
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> "LiveServer":
        command = [sys.executable, "-m", "uvicorn", "config.asgi:application"]
        command += ["--host", "127.0.0.1", "--port", str(self.port), "--lifespan", "off"]
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(  # noqa: S603  (our own server command)
                command, cwd=PROJECT_DIR, env=self.env, stdout=log, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + 30
        while not listening(self.port):
            if self.process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"uvicorn did not start:\n{self.log()}")
            time.sleep(0.05)
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.kill(self.process.pid, signal.SIGKILL)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:]


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
