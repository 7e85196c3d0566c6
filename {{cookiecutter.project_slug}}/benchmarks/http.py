"""HTTP requests/s and p50/p99 latency under the production web server command (gunicorn, WSGI
sync workers, config/gunicorn.py), with wrk as the load generator in its own process on loopback:
the example's cached notes list (with a session, and with a Supabase access token where the project
has Supabase Auth), the same list with every read missing the cache, /api/health/,
and the framework's floor (benchmarks/floor.py: a bare DRF view with a fixed page of the same
shape) served by the same command in the same run. The floor and the cached list are measured
again under gunicorn with uvicorn workers (ASGI), the other candidate (docs/web-servers.md).
The example app's rows come from a module of their own beside this one: without the example app
(include_example=n, or once replaced) they are left out. So does the cached list with tracing on
(benchmarks/http_tracing.py: 100 % sampling, exported to a local sink; the spans must arrive).

Every response must be 2xx: a row with other answers, or none at all, stops the benchmark naming
the endpoint and what it got. Socket errors and timeouts are counted and shown.
Run: `make bench-http` (needs wrk and a migrated database)."""

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.benchmark")
django.setup()

from importlib import import_module  # noqa: E402
from importlib.util import find_spec  # noqa: E402
from types import ModuleType  # noqa: E402

from django.conf import settings  # noqa: E402

from benchmarks import http_tracing  # noqa: E402
from benchmarks.floor import FLOOR_PATH  # noqa: E402
from benchmarks.logins import session_cookie  # noqa: E402
from benchmarks.ports import free_port  # noqa: E402
from benchmarks.report import emit, wait_until_listening  # noqa: E402

from {{ cookiecutter.project_slug }}.platform.accounts.models import User  # noqa: E402
from {{ cookiecutter.project_slug }}.platform.core.redis_config import redis_url_with_db  # noqa: E402

PROJECT_DIR = Path(__file__).resolve().parent.parent
UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3}
SOCKET_ERRORS = re.compile(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")
HEALTH_PATH = "/api/health/"
SERVER_COMMANDS = {
    "wsgi": ["--config", "config/gunicorn.py", "config.wsgi:application"],
    # The same settings file with uvicorn workers: the ASGI candidate, what production ran before
    # (docs/web-servers.md).
    "asgi": [
        "--config",
        "config/gunicorn.py",
        "--worker-class",
        "uvicorn_worker.UvicornWorker",
        "config.asgi:application",
    ],
}


# The uncached server's cache: a Redis database of its own, which no role uses (docs/redis.md) and
# its CACHE_TIMEOUT=0 keeps empty. On the cached server's database it read the pages that server
# keeps, and measured a cached read.
UNCACHED_SERVER_CACHE_DB = 7


# Servers that differ from "wsgi" by one setting, for the rows that price one feature each (the
# example app's rows name them): the "wsgi" server runs with the defaults.
FEATURE_OFF_SERVERS = {
    # Metrics are on by default (tracing is off): this server prices them (docs/metrics.md).
    "wsgi-metrics-off": {"METRICS_ENABLED": "False"},
}


@dataclass(frozen=True)
class Target:
    name: str
    url: str
    # The request header that authenticates it: the session cookie unless a row says otherwise.
    header: str


def session_header() -> str:
    """A logged-in session of the benchmark user."""
    user, _ = User.objects.get_or_create(username="http-benchmark")
    return f"Cookie: {session_cookie(user)}"


# `manage.py dev_token`'s tokens: ES256 like Supabase's own, signed with the development key that
# these (local) settings name and production's refuse. The accounts app has the module only with
# Supabase Auth.
DEV_TOKENS = f"{User.__module__.rpartition('.')[0]}.dev_tokens"


def bearer_header() -> str | None:
    """An access token for the Bearer benchmark user, valid for the run; None without Supabase
    Auth."""
    if find_spec(DEV_TOKENS) is None:
        return None
    dev_tokens = import_module(DEV_TOKENS)
    user = dev_tokens.dev_user_link(username="http-benchmark-bearer")
    token = dev_tokens.dev_token_issue(user=user, lifetime=timedelta(hours=2))
    return f"Authorization: Bearer {token}"


def start_gunicorn(kind: str, port: int, **env: str) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(  # noqa: S603  (our own server command)
        [sys.executable, "-m", "gunicorn", *SERVER_COMMANDS[kind]],
        cwd=PROJECT_DIR,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.benchmark",
            "GUNICORN_BIND": f"127.0.0.1:{port}",
            "GUNICORN_LOG_LEVEL": "warning",
            "DJANGO_LOG_LEVEL": "WARNING",
            "RATE_LIMIT_USER_RATE": "100000000/min",
            # As each command's config sets it (components/database.py).
            "DATABASE_POOL": str(kind == "asgi"),
            # Untraced unless a row asks (benchmarks/http_tracing.py), whatever .env says.
            "OTEL_SDK_DISABLED": "true",
            **env,
        },
        stdout=subprocess.DEVNULL,
    )
    try:
        wait_until_listening(server, port, f"gunicorn ({kind})")
    except SystemExit:  # too slow to start (a loaded machine): stop it, not leave it serving
        server.terminate()
        server.wait(timeout=30)
        raise
    return server


def what_it_answers(url: str, header: str) -> str:
    """One request's status and the start of its body, to say what went wrong."""
    name, value = header.split(": ", 1)
    request = urllib.request.Request(url, headers={name: value})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310
            return f"{answer.status} {answer.read(200)!r}"
    except urllib.error.HTTPError as error:
        return f"{error.code} {error.read(200)!r}"
    except OSError as error:
        return f"no answer ({error})"


def _figure(pattern: str, text: str, default: float | None = None) -> float:
    match = re.search(pattern, text, re.M)
    if match is None:
        if default is not None:
            return default
        raise SystemExit(f"unexpected wrk output (no {pattern!r}):\n{text}")
    return float(match.group(1))


def _latency_ms(percent: str, text: str) -> float:
    match = re.search(rf"^\s*{percent}%\s+([\d.]+)(us|ms|s)", text, re.M)
    if match is None:
        raise SystemExit(f"unexpected wrk output (no {percent}% latency):\n{text}")
    return float(match.group(1)) * UNITS[match.group(2)]


def wrk(target: Target, seconds: int, connections: int) -> dict[str, float]:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency"]
    command += ["-H", target.header, target.url]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603
    errors = SOCKET_ERRORS.search(output)
    requests = _figure(r"^\s*(\d+) requests in", output)
    return {
        "requests": requests,
        "non_2xx": _figure(r"Non-2xx or 3xx responses:\s+(\d+)", output, default=0),
        "rps": _figure(r"Requests/sec:\s+([\d.]+)", output),
        "p50_ms": _latency_ms("50", output) if requests else 0.0,
        "p99_ms": _latency_ms("99", output) if requests else 0.0,
        "socket_errors": float(sum(map(int, errors.groups()[:3]))) if errors else 0.0,
        "timeouts": float(errors.group(4)) if errors else 0.0,
    }


def require_success(target: Target, result: dict[str, float]) -> None:
    """Stop, naming the endpoint and what it answered, unless the round served 2xx only."""
    if result["requests"] == 0 or result["non_2xx"]:
        raise SystemExit(
            f"{target.name} ({target.url}): {result['requests']:.0f} requests completed, "
            f"{result['non_2xx']:.0f} of them not 2xx, {result['timeouts']:.0f} timeouts; "
            f"one request now answers {what_it_answers(target.url, target.header)}"
        )


def interleaved_rounds(
    targets: list[Target], options: argparse.Namespace
) -> dict[str, dict[str, float]]:
    """The median of each figure over alternating rounds, so that noise hits every target alike;
    errors and timeouts are summed instead."""
    samples: dict[str, list[dict[str, float]]] = {target.name: [] for target in targets}
    for _ in range(options.rounds):
        for target in targets:
            result = wrk(target, options.seconds, options.connections)
            require_success(target, result)
            samples[target.name].append(result)
    summed = ("requests", "non_2xx", "socket_errors", "timeouts")
    return {
        name: {
            figure: (sum if figure in summed else statistics.median)(run[figure] for run in runs)
            for figure in runs[0]
        }
        for name, runs in samples.items()
    }


def example_rows() -> ModuleType | None:
    """The example app's rows, while the app is there to answer them."""
    if find_spec("benchmarks.http_notes") is None:
        return None
    example = import_module("benchmarks.http_notes")
    return example if example.example_installed() else None


EXAMPLE = example_rows()


def targets_of(servers: dict[str, int], session: str, bearer: str | None) -> list[Target]:
    def url(server: str, path: str) -> str:
        return f"http://127.0.0.1:{servers[server]}{path}"

    def example(rows: list[tuple[str, str]], path: str, header: str = session) -> list[Target]:
        return [Target(name, url(server, path), header) for name, server in rows]

    wsgi_example = example(EXAMPLE.WSGI_ROWS, EXAMPLE.PATH) if EXAMPLE else []
    with_token = example([EXAMPLE.BEARER_ROW], EXAMPLE.PATH, bearer) if EXAMPLE and bearer else []
    traced = example([(http_tracing.ROW, http_tracing.SERVER)], EXAMPLE.PATH) if EXAMPLE else []
    asgi_example = example(EXAMPLE.ASGI_ROWS, EXAMPLE.PATH) if EXAMPLE else []
    return [
        Target("floor", url("wsgi", FLOOR_PATH), session),
        *wsgi_example,
        *with_token,
        *traced,
        Target("/api/health/", url("wsgi", HEALTH_PATH), session),
        Target("floor (ASGI)", url("asgi", FLOOR_PATH), session),
        *asgi_example,
    ]


def ratios(rows: dict[str, dict[str, float]]) -> dict[str, float]:
    """Each row against its server's floor (and the example's own ratios)."""
    found = {
        "health_over_floor": rows["/api/health/"]["rps"] / rows["floor"]["rps"],
        "asgi_floor_over_wsgi_floor": rows["floor (ASGI)"]["rps"] / rows["floor"]["rps"],
    }
    if EXAMPLE:
        found |= EXAMPLE.ratios(rows) | http_tracing.ratios(rows)
    return found


def measure(options: argparse.Namespace) -> dict[str, dict[str, float]]:
    session, bearer = session_header(), bearer_header()
    ports = {
        name: free_port()
        for name in ("wsgi", "wsgi-uncached", "asgi", http_tracing.SERVER, *FEATURE_OFF_SERVERS)
    }
    sink = http_tracing.SpanSink()
    # The uncached server keeps nothing in its own cache (CACHE_TIMEOUT=0): every read is a miss.
    uncached = {
        "CACHE_TIMEOUT": "0",
        "REDIS_CACHE_URL": redis_url_with_db(settings.REDIS_CACHE_URL, UNCACHED_SERVER_CACHE_DB),
    }
    starts: list[tuple[str, str, dict[str, str]]] = [
        ("wsgi", "wsgi", {}),
        ("wsgi", "wsgi-uncached", uncached),
        ("asgi", "asgi", {}),
        *(("wsgi", name, env) for name, env in FEATURE_OFF_SERVERS.items()),
    ]
    if EXAMPLE:
        # The same command as "wsgi", tracing every request to the local sink.
        starts.append(("wsgi", http_tracing.SERVER, sink.server_env()))
    servers: list[subprocess.Popen[bytes]] = []
    try:
        # Inside the try: a server that fails to start stops those started before it.
        for kind, name, env in starts:
            servers.append(start_gunicorn(kind, ports[name], **env))
        if EXAMPLE:
            for header in (session, bearer) if bearer else (session,):
                EXAMPLE.seed_notes(f"http://127.0.0.1:{ports['wsgi']}", header)
        targets = targets_of(ports, session, bearer)
        # Warm-up, unchecked: a fresh worker's first request imports views and opens connections
        # (seconds under load), which is no steady state.
        for target in targets:
            wrk(target, 3, options.connections)
        rows = interleaved_rounds(targets, options)
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=30)
        sink.stop()
    if EXAMPLE:
        # After the servers stopped: each worker exports what it still held as it exited.
        http_tracing.require_spans(sink, rows[http_tracing.ROW]["requests"])
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=3, help="per round and endpoint")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=32)
    options = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (Debian: apt-get install wrk)")
    if EXAMPLE is None:
        print("example app rows skipped: the example app is not installed")
    rows = measure(options)
    print(f"{'endpoint':<28}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}{'timeouts':>10}")
    for name, row in rows.items():
        print(
            f"{name:<28}{row['rps']:>9.0f}{row['p50_ms']:>9.2f}{row['p99_ms']:>9.2f}"
            f"{row['socket_errors']:>8.0f}{row['timeouts']:>10.0f}"
        )
    found = ratios(rows)
    for name, value in found.items():
        print(f"{name} = {value:.2f}x")
    emit("http", {"endpoints": rows, **found})


if __name__ == "__main__":
    main()
