"""Running the project in other processes (servers, workers) against the test run's database
and Redis keys, and the project under uvicorn in a subprocess."""

import json
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from django.conf import settings

from {{ cookiecutter.project_slug }}.core.tests.redis_server import free_port, listening

PROJECT_DIR = Path(__file__).resolve().parents[3]
# Per connection, never forwarded by a proxy (RFC 9110 section 7.6.1), and the length it recomputes.
HOP_HEADERS = frozenset(
    ("connection", "keep-alive", "transfer-encoding", "te", "upgrade", "content-length", "host")
)
# The proxy writes these itself; whatever the client sent in X-Forwarded-For is kept in front.
FORWARDING = frozenset(("x-forwarded-for", "x-forwarded-proto"))


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


def production_env(**overrides: str) -> dict[str, str]:
    """The environment of a production process (config.settings.production, no .env file read)
    on the test run's database and Redis keys, so the run's clean-up still finds them."""
    own_names = ("REALTIME_PREFIX", "CELERY_TASK_DEFAULT_QUEUE")  # settings only some bakes have
    return live_process_env(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_ENV_FILE=str(PROJECT_DIR / "no-env-file"),
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        CACHE_KEY_PREFIX=settings.TEST_RUN_KEY_PREFIX,
        RATELIMIT_KEY_PREFIX=settings.RATELIMIT_KEY_PREFIX,
        SUPABASE_URL=getattr(settings, "SUPABASE_URL", "https://project-ref.supabase.co"),
        SUPABASE_SECRET_KEY="sb_secret_test",
        **{name: str(getattr(settings, name)) for name in own_names if hasattr(settings, name)},
        **overrides,
    )


class LiveServer:
    """The project under uvicorn (test settings), on a port of its own."""

    name = "uvicorn"
    stop_signal = signal.SIGINT

    def __init__(self, log_path: Path, **env: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self.env = self.process_env(**env)
        # The server and Django must agree on whom to believe: both get this one list.
        self.env.setdefault("TRUSTED_PROXIES", ",".join(settings.TRUSTED_PROXIES))
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
    """The production server command (docker-compose.prod.yml's web: gunicorn with uvicorn
    workers, config/gunicorn.py, production settings), on the test run's database and keys.
    gunicorn reads TRUSTED_PROXIES itself, through config/proxies.py."""

    name = "gunicorn"
    # Graceful and prompt; gunicorn's quick shutdown (SIGINT) waits out graceful_timeout for
    # its uvicorn workers.
    stop_signal = signal.SIGTERM

    def process_env(self, **env: str) -> dict[str, str]:
        return production_env(GUNICORN_BIND=f"127.0.0.1:{self.port}", WEB_CONCURRENCY="1", **env)

    def command(self) -> list[str]:
        gunicorn = str(Path(sys.executable).with_name("gunicorn"))
        return [gunicorn, "--config", "config/gunicorn.py", "config.asgi:application"]

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


class ForwardingProxy:
    """A reverse proxy in front of a live server, as Caddy or nginx behave: it appends the address
    its client connected from to X-Forwarded-For, says the request came over HTTPS
    (X-Forwarded-Proto), and forwards everything else as received. It listens on 127.0.0.1 and
    connects from there (a trusted proxy address by default)."""

    def __init__(self, upstream: LiveServer) -> None:
        self.upstream = upstream
        self.http = httpx.Client(timeout=15, follow_redirects=False)
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                proxy.forward(self)

            def do_POST(self) -> None:
                proxy.forward(self)

            def log_message(self, format: str, *args: object) -> None:
                pass  # the upstream's access log is enough

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def forward(self, handler: BaseHTTPRequestHandler) -> None:
        headers = [(k, v) for k, v in handler.headers.items() if k.lower() not in HOP_HEADERS]
        forwarded_for = [v for k, v in headers if k.lower() == "x-forwarded-for"]
        headers = [(k, v) for k, v in headers if k.lower() not in FORWARDING]
        headers.append(("X-Forwarded-For", ", ".join([*forwarded_for, handler.client_address[0]])))
        headers.append(("X-Forwarded-Proto", "https"))
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else None
        answer = self.http.request(
            handler.command, f"{self.upstream.url}{handler.path}", headers=headers, content=body
        )
        handler.send_response(answer.status_code)
        for name, value in answer.headers.multi_items():
            # httpx has decoded the body already: its Content-Encoding no longer applies.
            if name.lower() not in HOP_HEADERS and name.lower() != "content-encoding":
                handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(answer.content)))
        handler.end_headers()
        handler.wfile.write(answer.content)

    def start(self) -> "ForwardingProxy":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.http.close()


def client_from(address: str) -> httpx.Client:
    """An HTTP client whose connections come from `address` (any 127.x.y.z is local on Linux):
    one client per address stands for one machine on the internet."""
    transport = httpx.HTTPTransport(local_address=address)
    return httpx.Client(transport=transport, timeout=15, follow_redirects=False)


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
