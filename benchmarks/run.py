"""`make bench`: bake the default project into a temporary directory, install it, and run every
benchmark against this machine's Redis and Postgres. Each benchmark measures its baseline in the
same run (these machines are noisy), so the results are ratios. Prints a table and writes
benchmarks/results.json.
"""

import argparse
import json
import os
import platform
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from benchmarks.table import Row, render, rows_from
from tests.bakery import DEFAULT, POSTGRES, REDIS_URL, bake, ok, run

RESULTS = Path(__file__).resolve().parent / "results.json"
# The generated project's benchmark modules, in the order of the list.
PROJECT_BENCHMARKS = ["cache", "sessions", "claims", "rate_limit", "http", "celery", "realtime"]


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def bake_seconds(workdir: Path, times: int) -> tuple[Path, float]:
    """Median wall time of `times` bakes of the default project, and the last bake."""
    projects: list[Path] = []

    def bake_once() -> None:
        projects.append(bake(DEFAULT, workdir / f"bake{len(projects)}"))

    seconds = [timed(bake_once) for _ in range(times)]
    return projects[-1], statistics.median(seconds)


def psql(database_server: str, statement: str) -> None:
    ok(run(["psql", f"{database_server}/postgres", "-qc", statement], cwd=Path.cwd()))


def redis_floor(requests: int) -> dict[str, float]:
    """The physical floor: redis-benchmark's GET on loopback, one client and 50 clients."""
    server = urlsplit(REDIS_URL)
    host, port = server.hostname or "127.0.0.1", str(server.port or 6379)
    floor = {}
    for clients in (1, 50):
        command = ["redis-benchmark", "-h", host, "-p", port, "-t", "get", "--csv"]
        command += ["-n", str(requests), "-c", str(clients)]
        output = ok(run(command, cwd=Path.cwd()))
        rps = float(
            next(line for line in output.splitlines() if line.startswith('"GET"'))
            .split(",")[1]
            .strip('"')
        )
        floor[f"get_rps_{clients}_clients"] = rps
    return floor


def run_project_benchmark(project: Path, name: str, env: dict[str, str]) -> None:
    result = run(
        [".venv/bin/python", "-m", f"benchmarks.{name}"], cwd=project, env=env, timeout=300
    )
    ok(result)
    print(f"--- benchmarks.{name}\n{result.stdout.rstrip()}", flush=True)


def require_tools() -> None:
    """wrk is the HTTP load generator; on Debian it is installed when missing."""
    if shutil.which("wrk") is None and shutil.which("apt-get") is not None:
        print("wrk is missing: installing Debian's wrk", flush=True)
        env = {"DEBIAN_FRONTEND": "noninteractive"}
        run(["apt-get", "install", "-y", "-q", "wrk"], cwd=Path.cwd(), env=env)
    for tool in ("wrk", "redis-benchmark", "psql"):
        if shutil.which(tool) is None:
            raise SystemExit(f"{tool} is not installed (Debian: apt-get install {tool})")


def machine() -> dict[str, Any]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    redis_version = ok(run(["redis-server", "--version"], cwd=Path.cwd())).split("v=")[1].split()[0]
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "redis": redis_version,
        "os": platform.platform(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bakes", type=int, default=3, help="bakes timed for the median")
    parser.add_argument("--skip-suite", action="store_true", help="do not time the generated suite")
    options = parser.parse_args()
    require_tools()
    started = time.perf_counter()
    results: dict[str, Any] = {"machine": machine(), "measured_at": time.strftime("%Y-%m-%d %H:%M")}
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        workdir = Path(tmp)
        project, results["bake_seconds"] = bake_seconds(workdir, options.bakes)
        results["install_seconds"] = timed(lambda: ok(run(["make", "install"], cwd=project)))
        database = f"bench_{os.getpid()}"
        json_lines = workdir / "results.jsonl"
        env = {
            "DATABASE_URL": f"{POSTGRES}/{database}",
            "REDIS_DURABLE_URL": REDIS_URL,
            "BENCH_JSON": str(json_lines),
        }
        psql(POSTGRES, f"CREATE DATABASE {database}")
        try:
            ok(run([".venv/bin/python", "manage.py", "migrate", "-v0"], cwd=project, env=env))
            results["redis_floor"] = redis_floor(requests=100_000)
            for name in PROJECT_BENCHMARKS:
                run_project_benchmark(project, name, env)
            if not options.skip_suite:
                suite = [".venv/bin/pytest", "-q", "-p", "no:cacheprovider"]
                results["suite_seconds"] = timed(
                    lambda: ok(run(suite, cwd=project, env=env, timeout=900))
                )
        finally:
            psql(POSTGRES, f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
        for line in json_lines.read_text().splitlines():
            record = json.loads(line)
            results[record.pop("benchmark")] = record
    results["total_seconds"] = time.perf_counter() - started
    rows: list[Row] = rows_from(results)
    print(render(rows, results))
    RESULTS.write_text(json.dumps({**results, "rows": [row.as_dict() for row in rows]}, indent=2))
    print(f"\nwritten: {RESULTS}")


if __name__ == "__main__":
    main()
