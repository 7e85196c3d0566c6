"""SSE publish-to-receive latency at 1, 100 and 1000 clients of one server process, and the
server's memory per connected client. Starts its own uvicorn; needs a migrated database.

Run: `make bench-realtime` (or `python -m benchmarks.realtime --clients 1 100 1000`).
The clients run in this process too, so at 1000 clients their own work is part of the latency.
"""

import argparse
import asyncio
import json
import logging
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import django
import httpx

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
django.setup()

from benchmarks.ports import free_port  # noqa: E402
from benchmarks.report import emit, wait_until_listening  # noqa: E402

from {{ cookiecutter.project_slug }}.platform.accounts.models import User  # noqa: E402
from {{ cookiecutter.project_slug }}.platform.realtime.redis_names import user_channel  # noqa: E402
from {{ cookiecutter.project_slug }}.platform.realtime.services import (  # noqa: E402
    realtime_publish,
    stream_token_issue,
)

PROJECT_DIR = Path(__file__).resolve().parent.parent
EVENTS_PER_ROUND = 20


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def start_server(port: int) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "uvicorn", "config.asgi:application", "--port", str(port)]
    server = subprocess.Popen(  # noqa: S603  (our own server command)
        [*command, "--lifespan", "off", "--log-level", "warning"],
        cwd=PROJECT_DIR,
        env={
            **os.environ,
            "DJANGO_LOG_LEVEL": "WARNING",
            # As every command that starts the ASGI server (config/asgi.py): the database pool.
            "DATABASE_POOL": "True",
            "RATE_LIMIT_USER_RATE": "100000/min",
            # One user, from one address, opens every stream of the benchmark.
            "REALTIME_MAX_STREAMS_PER_USER": "100000",
            "REALTIME_MAX_STREAMS_PER_ADDRESS": "100000",
            "REALTIME_MAX_STREAMS_PER_PROCESS": "100000",
        },
    )
    wait_until_listening(server, port, "uvicorn")
    return server


async def listen(
    http: httpx.AsyncClient, url: str, ready: asyncio.Event, latencies: list[float]
) -> None:
    async with http.stream("GET", url, timeout=None) as response:
        async for line in response.aiter_lines():
            if line.startswith(": connected"):
                ready.set()
            elif line.startswith("data: "):
                sent = json.loads(line[6:])["sent"]
                latencies.append((time.time() - sent) * 1000)


async def one_round(base: str, user: User, clients: int, server_pid: int) -> dict[str, float]:
    latencies: list[float] = []
    before = rss_kib(server_pid)
    limits = httpx.Limits(max_connections=clients + 10)
    async with httpx.AsyncClient(limits=limits) as http:
        readies = [asyncio.Event() for _ in range(clients)]
        tasks = [
            asyncio.create_task(
                listen(http, f"{base}?token={stream_token_issue(user=user)}", ready, latencies)
            )
            for ready in readies
        ]
        await asyncio.wait_for(asyncio.gather(*(r.wait() for r in readies)), timeout=120)
        per_client = (rss_kib(server_pid) - before) / clients
        for _ in range(EVENTS_PER_ROUND):
            realtime_publish(
                channel=user_channel(user.pk), event="bench", data={"sent": time.time()}
            )
            await asyncio.sleep(0.05)
        deadline = time.monotonic() + 30
        while len(latencies) < clients * EVENTS_PER_ROUND and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    ordered = sorted(latencies)
    return {
        "p50": statistics.median(ordered),
        "p95": ordered[int(0.95 * (len(ordered) - 1))],
        "received": len(ordered) / (clients * EVENTS_PER_ROUND),
        "kib_per_client": per_client,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 100, 1000])
    options = parser.parse_args()
    user, _ = User.objects.get_or_create(username="realtime-benchmark")
    port = free_port()
    server = start_server(port)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    base = f"http://127.0.0.1:{port}/api/events/stream/"
    try:
        asyncio.run(one_round(base, user, 1, server.pid))  # warm-up: imports, pools, the hub
        rows = {
            count: asyncio.run(one_round(base, user, count, server.pid))
            for count in options.clients
        }
    finally:
        server.terminate()
        server.wait(timeout=30)
    emit("realtime", {"by_clients": rows})
    print(f"{'clients':>8}{'p50 ms':>10}{'p95 ms':>10}{'delivered':>11}{'KiB/client':>12}")
    for count, row in rows.items():
        print(
            f"{count:>8}{row['p50']:>10.2f}{row['p95']:>10.2f}"
            f"{row['received']:>10.0%}{row['kib_per_client']:>12.1f}"
        )


if __name__ == "__main__":
    main()
