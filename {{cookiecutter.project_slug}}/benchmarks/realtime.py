"""SSE publish-to-receive latency at 1, 1,000 and 10,000 connected clients of the production
events server (gunicorn with EVENTS_CONCURRENCY uvicorn workers, config/gunicorn_events.py), the
server's memory per client, and what the run ran out of first. Needs a migrated database.

The clients are processes of their own (benchmarks/realtime_clients.py, plain asyncio sockets),
so their work is not the server's; on a machine with few cores they still share its CPU, which
the report shows. Every stream must connect and every event reach every stream: a row with a
refused stream or a lost event stops the benchmark, naming them.

Run: `make bench-realtime` (or `python -m benchmarks.realtime --clients 1 1000 10000`).
"""

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
django.setup()


from benchmarks.logins import session_cookie  # noqa: E402
from benchmarks.ports import free_port  # noqa: E402
from benchmarks.report import emit, wait_until_listening  # noqa: E402

from {{ cookiecutter.project_slug }}.platform.accounts.models import User  # noqa: E402
from {{ cookiecutter.project_slug }}.platform.realtime.redis_names import user_channel  # noqa: E402
from {{ cookiecutter.project_slug }}.platform.realtime.services import realtime_publish  # noqa: E402

PROJECT_DIR = Path(__file__).resolve().parent.parent
SERVER_COMMAND = ["gunicorn", "--config", "config/gunicorn_events.py", "config.asgi:application"]
Client = subprocess.Popen[str]
STREAM_PATH = "/api/events/stream/"
EVENTS_PER_ROUND = 20
SECONDS_BETWEEN_EVENTS = 0.05
# The targets, per number of clients: p50 and p95 in ms, and server KiB per client.
TARGETS: dict[int, dict[str, float]] = {
    1000: {"p50": 25, "p95": 100},
    10000: {"p95": 1000, "kib_per_client": 50},
}
# A process this busy (share of one core) is what the run ran out of.
SATURATED = 0.9


@dataclass(frozen=True)
class Server:
    process: "subprocess.Popen[bytes]"
    port: int

    def workers(self) -> list[int]:
        """The uvicorn worker processes (the master only supervises them)."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()]


def rss_kib(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of `pid` so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_cpu() -> tuple[int, int]:
    """(idle, total) clock ticks of every core so far (/proc/stat)."""
    ticks = [int(tick) for tick in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    return ticks[3] + ticks[4], sum(ticks)  # idle and iowait


def raise_file_limit() -> int:
    """Every stream is a descriptor on both ends: the soft limit up to the hard one (the server
    and the clients inherit it). Returns it."""
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return hard


def start_server(port: int, workers: int) -> Server:
    server = subprocess.Popen(  # noqa: S603  (our own server command)
        [sys.executable, "-m", *SERVER_COMMAND],
        cwd=PROJECT_DIR,
        env={
            **os.environ,
            "GUNICORN_BIND": f"127.0.0.1:{port}",
            "GUNICORN_LOG_LEVEL": "warning",
            "DJANGO_LOG_LEVEL": "WARNING",
            "EVENTS_CONCURRENCY": str(workers),
            "OTEL_SDK_DISABLED": "true",
            # One user, from one address, opens every stream of the benchmark.
            "REALTIME_MAX_STREAMS_PER_USER": "1000000",
            "REALTIME_MAX_STREAMS_PER_ADDRESS": "1000000",
            "REALTIME_MAX_STREAMS_PER_PROCESS": "1000000",
        },
        stdout=subprocess.DEVNULL,
    )
    wait_until_listening(server, port, "gunicorn (events)")
    started = Server(server, port)
    deadline = time.monotonic() + 60
    while len(started.workers()) < workers:  # the master listens before its workers exist
        if time.monotonic() > deadline:
            raise SystemExit(f"gunicorn (events) started {len(started.workers())} of {workers}")
        time.sleep(0.1)
    return started


@dataclass(frozen=True)
class Round:
    clients: int
    p50: float
    p95: float
    delivered: float
    kib_per_client: float
    failures: list[str]
    # The busiest process of each side, as a share of one core, while events were delivered.
    server_busy: float
    clients_busy: float
    # Every core's, whoever used it (this machine may be running more than the benchmark).
    machine_busy: float

    def missed(self) -> list[str]:
        """The targets of this number of clients that the round missed."""
        if self.clients not in TARGETS:
            return []
        targets = {**TARGETS[self.clients], "delivered": 1.0}
        figures = asdict(self)
        return [
            f"{name} {figures[name]:.1f} (target {'>=' if name == 'delivered' else '<='} {bound:g})"
            for name, bound in targets.items()
            if (figures[name] < bound if name == "delivered" else figures[name] > bound)
        ]

    def ceiling(self) -> str:
        """What ran out first, as far as the figures tell."""
        if self.server_busy >= SATURATED:
            return "CPU: an events worker's event loop was saturated (next: more events processes)"
        if self.clients_busy >= SATURATED:
            return "CPU: the load generator's processes were saturated (the server was not)"
        if self.machine_busy >= SATURATED:
            return (
                f"CPU: the machine's cores were {self.machine_busy:.0%} busy, shared by the "
                f"events workers (the busiest at {self.server_busy:.0%} of a core), the clients "
                f"(the busiest at {self.clients_busy:.0%}), Redis and anything else running "
                "(next: the clients on another machine, more events processes on more cores)"
            )
        if self.delivered < 1:
            return "events lost before the clients (Redis output buffers, or client buffers)"
        return f"none reached: busiest events worker at {self.server_busy:.0%} of a core"

    def as_dict(self) -> dict[str, Any]:
        verdict = ("MET" if not self.missed() else "MISSED") if self.clients in TARGETS else ""
        return {
            **asdict(self),
            "verdict": verdict,
            "missed": self.missed(),
            "ceiling": self.ceiling(),
        }


def start_clients(server: Server, cookie: str, clients: int, processes: int) -> list[Client]:
    request = (
        f"GET {STREAM_PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n"
        f"Cookie: {cookie}\r\n\r\n"
    )
    started = []
    for share in _shares(clients, processes):
        orders = {
            "host": "127.0.0.1",
            "port": server.port,
            "request": request,
            "streams": share,
            "events": EVENTS_PER_ROUND,
            "deadline": 120.0,
        }
        client: Client = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.realtime_clients"],
            cwd=PROJECT_DIR,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert client.stdin is not None
        client.stdin.write(json.dumps(orders) + "\n")
        client.stdin.flush()
        started.append(client)
    return started


def _shares(clients: int, processes: int) -> list[int]:
    used = min(clients, processes)
    return [clients // used + (1 if index < clients % used else 0) for index in range(used)]


def _wait_connected(clients: list[Client], count: int) -> None:
    for client in clients:
        assert client.stdout is not None
        if client.stdout.readline().strip() != "connected":
            raise SystemExit(f"a client process of the {count}-client round exited early")


def one_round(server: Server, user: User, cookie: str, count: int, processes: int) -> Round:
    workers = server.workers()
    before = rss_kib(workers)
    clients = start_clients(server, cookie, count, processes)
    _wait_connected(clients, count)
    # Too few streams to tell their memory from the allocator's noise: none shown.
    per_client = (rss_kib(workers) - before) / count if count >= 100 else float("nan")
    cpu_before, started = [cpu_seconds(pid) for pid in workers], time.monotonic()
    idle_before, total_before = machine_cpu()
    for _ in range(EVENTS_PER_ROUND):
        realtime_publish(channel=user_channel(user.pk), event="bench", data={"sent": time.time()})
        time.sleep(SECONDS_BETWEEN_EVENTS)
    results = [
        json.loads(client.communicate(timeout=300)[0].splitlines()[-1]) for client in clients
    ]
    wall = time.monotonic() - started
    idle, total = machine_cpu()
    server_busy = [
        (cpu_seconds(pid) - was) / wall for pid, was in zip(workers, cpu_before, strict=True)
    ]
    latencies = sorted(ms for result in results for ms in result["latencies_ms"])
    return Round(
        clients=count,
        p50=statistics.median(latencies) if latencies else float("nan"),
        p95=latencies[int(0.95 * (len(latencies) - 1))] if latencies else float("nan"),
        delivered=len(latencies) / (count * EVENTS_PER_ROUND),
        kib_per_client=per_client,
        failures=[failure for result in results for failure in result["failures"]],
        server_busy=max(server_busy),
        clients_busy=max(result["cpu_seconds"] / wall for result in results),
        machine_busy=1 - (idle - idle_before) / max(1, total - total_before),
    )


def require_every_stream(row: Round) -> None:
    """Stop, naming them, when streams were refused or dropped: a latency of the streams that
    happened to work would be no result."""
    if row.failures:
        shown = "; ".join(sorted(set(row.failures))[:5])
        raise SystemExit(f"{row.clients} clients: {len(row.failures)} streams failed: {shown}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 1000, 10000])
    parser.add_argument("--workers", type=int, default=2, help="EVENTS_CONCURRENCY, as production")
    parser.add_argument("--client-processes", type=int, default=2)
    options = parser.parse_args()
    limit = raise_file_limit()
    if max(options.clients) + 100 > limit:
        raise SystemExit(f"{max(options.clients)} clients need more file descriptors than {limit}")
    user, _ = User.objects.get_or_create(username="realtime-benchmark")
    cookie = session_cookie(user)
    server = start_server(free_port(), options.workers)
    try:
        one_round(server, user, cookie, 1, 1)  # warm-up: imports, pools, the hubs
        rows = []
        for count in options.clients:
            rows.append(one_round(server, user, cookie, count, options.client_processes))
            require_every_stream(rows[-1])
    finally:
        server.process.terminate()
        server.process.wait(timeout=30)
    report(rows, options)


def report(rows: list[Round], options: argparse.Namespace) -> None:
    emit("realtime", {"by_clients": {str(row.clients): row.as_dict() for row in rows}})
    print(f"{options.workers} events workers, {options.client_processes} client processes")
    print(f"{'clients':>8}{'p50 ms':>10}{'p95 ms':>10}{'delivered':>11}{'KiB/client':>12}  verdict")
    for row in rows:
        shown = row.as_dict()
        print(
            f"{row.clients:>8}{row.p50:>10.2f}{row.p95:>10.2f}{row.delivered:>10.0%}"
            f"{row.kib_per_client:>12.1f}  {shown['verdict']} {'; '.join(shown['missed'])}"
        )
        print(f"{'':>8}ceiling: {shown['ceiling']}")


if __name__ == "__main__":
    main()
