"""HTTP requests/s and p50/p99 latency under the production server command (gunicorn with
uvicorn workers, config/gunicorn.py), with wrk as the load generator in its own process on
loopback: the example's cached notes list, the same list with every read missing the cache, and
/api/health/. Without the example app (include_example=n, or once replaced) only /api/health/ is
measured. Run: `make bench-http` (needs wrk and a migrated database)."""

import argparse
import json
import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import urllib.request
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
django.setup()

from importlib import import_module  # noqa: E402

from django.apps import apps  # noqa: E402
from django.conf import settings  # noqa: E402

from benchmarks.report import emit, wait_until_listening  # noqa: E402
from {{ cookiecutter.project_slug }}.platform.accounts.models import User  # noqa: E402
from {{ cookiecutter.project_slug }}.testing.ports import free_port  # noqa: E402

PROJECT_DIR = Path(__file__).resolve().parent.parent
UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3}


# The example app, measured through its API only: the benchmarks import no product app.
EXAMPLE_INSTALLED = apps.is_installed("{{ cookiecutter.project_slug }}.notes")
NOTES_PATH = "/api/notes/"


def session_cookie() -> str:
    """A logged-in session for the benchmark user."""
    user, _ = User.objects.get_or_create(username="http-benchmark")
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session["_auth_user_id"] = str(user.pk)
    session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    session["_auth_user_hash"] = user.get_session_auth_hash()
    session.save()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def seed_notes(base_url: str, cookie: str, count: int = 20) -> None:
    """Give the benchmark user `count` notes, through the API, unless it has them already."""
    # A CSRF secret of our own, sent as cookie and header: what a browser's form would send.
    csrf = secrets.token_hex(16)
    headers = {"Cookie": f"{cookie}; {settings.CSRF_COOKIE_NAME}={csrf}", "X-CSRFToken": csrf}
    listing = urllib.request.Request(base_url + NOTES_PATH, headers=headers)  # noqa: S310
    with urllib.request.urlopen(listing) as answer:  # noqa: S310  (our own server)
        if json.load(answer)["count"] >= count:
            return
    for n in range(count):
        body = json.dumps({"title": f"Note {n}", "body": "x" * 200}).encode()
        post = urllib.request.Request(  # noqa: S310  (our own server)
            base_url + NOTES_PATH,
            data=body,
            headers={**headers, "Content-Type": "application/json"},
            method="POST",
        )
        urllib.request.urlopen(post).close()  # noqa: S310  (our own server)


def start_gunicorn(port: int, **env: str) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--config",
            "config/gunicorn.py",
            "config.asgi:application",
        ],
        cwd=PROJECT_DIR,
        env={
            **os.environ,
            "GUNICORN_BIND": f"127.0.0.1:{port}",
            "GUNICORN_LOG_LEVEL": "warning",
            "DJANGO_DEBUG": "False",
            "DJANGO_LOG_LEVEL": "WARNING",
            "RATE_LIMIT_USER_RATE": "100000000/min",
            **env,
        },
        stdout=subprocess.DEVNULL,
    )
    wait_until_listening(server, port, "gunicorn")
    return server


def _match(pattern: str, text: str) -> re.Match[str]:
    match = re.search(pattern, text, re.M)
    if match is None:
        raise SystemExit(f"unexpected wrk output (no {pattern!r}):\n{text}")
    return match


def wrk(url: str, cookie: str, seconds: int, connections: int) -> dict[str, float]:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency"]
    command += ["-H", f"Cookie: {cookie}", url]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603
    result = {"rps": float(_match(r"Requests/sec:\s+([\d.]+)", output).group(1))}
    for percent in ("50", "99"):
        value, unit = _match(rf"^\s*{percent}%\s+([\d.]+)(us|ms|s)", output).groups()
        result[f"p{percent}_ms"] = float(value) * UNITS[unit]
    return result


def interleaved_rounds(
    targets: dict[str, str], cookie: str, options: argparse.Namespace
) -> dict[str, dict[str, float]]:
    """The median of each figure over alternating rounds, so that noise hits every target alike."""
    samples: dict[str, list[dict[str, float]]] = {name: [] for name in targets}
    for _ in range(options.rounds):
        for name, url in targets.items():
            samples[name].append(wrk(url, cookie, options.seconds, options.connections))
    return {
        name: {figure: statistics.median(run[figure] for run in runs) for figure in runs[0]}
        for name, runs in samples.items()
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=3, help="per round and endpoint")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=32)
    options = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (Debian: apt-get install wrk)")
    cookie = session_cookie()
    cached_port, uncached_port = free_port(), free_port()
    # The second server keeps nothing in the cache (CACHE_TIMEOUT=0): every read is a miss.
    servers = [start_gunicorn(cached_port), start_gunicorn(uncached_port, CACHE_TIMEOUT="0")]
    targets = {"/api/health/": f"http://127.0.0.1:{cached_port}/api/health/"}
    if EXAMPLE_INSTALLED:
        targets = {
            "notes list (cached)": f"http://127.0.0.1:{cached_port}{NOTES_PATH}",
            "notes list (uncached)": f"http://127.0.0.1:{uncached_port}{NOTES_PATH}",
            **targets,
        }
    else:
        print("notes list rows skipped: the example app (notes) is not installed")
    try:
        if EXAMPLE_INSTALLED:
            seed_notes(f"http://127.0.0.1:{cached_port}", cookie)
        for url in targets.values():  # warm-up: every worker imports, connects and fills caches
            wrk(url, cookie, 2, options.connections)
        rows = interleaved_rounds(targets, cookie, options)
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=30)
    print(f"{'endpoint':<24}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}")
    for name, row in rows.items():
        print(f"{name:<24}{row['rps']:>10.0f}{row['p50_ms']:>10.2f}{row['p99_ms']:>10.2f}")
    if not EXAMPLE_INSTALLED:
        emit("http", {"endpoints": rows})
        return
    speedup = rows["notes list (cached)"]["rps"] / rows["notes list (uncached)"]["rps"]
    print(f"cached / uncached throughput = {speedup:.2f}x")
    emit("http", {"endpoints": rows, "cached_over_uncached": speedup})


if __name__ == "__main__":
    main()
