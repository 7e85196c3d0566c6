"""Celery enqueue-to-result latency and throughput, beside a raw Redis LPUSH/BRPOP round trip
measured in the same run. Starts its own worker on a private queue.

Run: `make bench-celery` (or `python -m benchmarks.celery --tasks 300`).
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import django

QUEUE = f"bench-{uuid.uuid4().hex[:8]}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ["CELERY_TASK_DEFAULT_QUEUE"] = QUEUE  # the worker below inherits it
django.setup()

from benchmarks.report import emit  # noqa: E402

from {{ cookiecutter.project_slug }}.platform.core.redis_clients import redis_client  # noqa: E402
from {{ cookiecutter.project_slug }}.platform.jobs.heartbeat import worker_heartbeats  # noqa: E402
from {{ cookiecutter.project_slug }}.platform.jobs.tasks import ping  # noqa: E402

PROJECT_DIR = Path(__file__).resolve().parent.parent


def start_worker(concurrency: int) -> subprocess.Popen[bytes]:
    hostname = f"{QUEUE}@bench"
    command = [sys.executable, "-m", "celery", "-A", "config", "worker", f"--hostname={hostname}"]
    command += [f"--concurrency={concurrency}", "--without-gossip", "--without-mingle"]
    worker = subprocess.Popen(  # noqa: S603  (our own worker command)
        command, cwd=PROJECT_DIR, env={**os.environ, "DJANGO_LOG_LEVEL": "WARNING"}
    )
    deadline = time.monotonic() + 60
    while hostname not in worker_heartbeats():
        if worker.poll() is not None or time.monotonic() > deadline:
            raise SystemExit("the benchmark's Celery worker did not start")
        time.sleep(0.1)
    return worker


def latencies_ms(round_trip: Callable[[], object], count: int) -> list[float]:
    samples = []
    for _ in range(count):
        started = time.perf_counter()
        round_trip()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def raw_round_trip() -> Callable[[], object]:
    client, key = redis_client("durable"), f"bench:{QUEUE}:raw"

    def round_trip() -> object:
        client.lpush(key, b"x")
        return client.brpop([key], timeout=5)

    return round_trip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=2)
    options = parser.parse_args()
    worker = start_worker(options.concurrency)
    try:
        ping.delay().get(timeout=30)  # warm up connections on both sides
        task_ms = latencies_ms(lambda: ping.delay().get(timeout=30), options.tasks)
        raw_ms = latencies_ms(raw_round_trip(), options.tasks)
        started = time.perf_counter()
        results = [ping.delay() for _ in range(options.tasks)]
        for result in results:
            result.get(timeout=120)
        throughput = options.tasks / (time.perf_counter() - started)
    finally:
        worker.terminate()
        worker.wait(timeout=30)

    print(f"{'round trip':<32}{'p50 ms':>10}{'p95 ms':>10}")
    for name, samples in (
        ("Celery no-op: enqueue -> result", task_ms),
        ("raw LPUSH + BRPOP", raw_ms),
    ):
        print(f"{name:<32}{statistics.median(samples):>10.2f}{percentile(samples, 0.95):>10.2f}")
    print(f"Celery / raw (p50) = {statistics.median(task_ms) / statistics.median(raw_ms):.1f}x")
    print(f"throughput: {throughput:.0f} tasks/s ({options.concurrency} worker processes)")
    emit(
        "celery",
        {
            "task_p50_ms": statistics.median(task_ms),
            "task_p95_ms": percentile(task_ms, 0.95),
            "raw_p50_ms": statistics.median(raw_ms),
            "raw_p95_ms": percentile(raw_ms, 0.95),
            "tasks_per_second": throughput,
        },
    )


if __name__ == "__main__":
    main()
