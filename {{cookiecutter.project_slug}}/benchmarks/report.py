"""Where every benchmark puts its numbers: a table on stdout, and one JSON line per benchmark in
$BENCH_JSON when it is set (for collecting runs). And the helpers the
benchmarks share: timing, waiting for a server they started (ports.py)."""

import json
import os
import statistics
import subprocess
import time
from collections.abc import Callable
from typing import Any

from benchmarks.ports import listening


def per_call_microseconds(call: Callable[[], object], calls: int) -> float:
    started = time.perf_counter()
    for _ in range(calls):
        call()
    return (time.perf_counter() - started) / calls * 1e6


def interleaved_samples(
    contenders: dict[str, Callable[[], object]], rounds: int, calls: int
) -> dict[str, list[float]]:
    """Each contender's us/call in each round, the rounds alternating between contenders so that
    machine noise hits all of them alike."""
    for call in contenders.values():
        per_call_microseconds(call, max(10, calls // 20))  # warm-up
    samples: dict[str, list[float]] = {name: [] for name in contenders}
    for _ in range(rounds):
        for name, call in contenders.items():
            samples[name].append(per_call_microseconds(call, calls))
    return samples


def interleaved_medians(
    contenders: dict[str, Callable[[], object]], rounds: int, calls: int
) -> dict[str, float]:
    """Median us/call of each contender over interleaved rounds."""
    samples = interleaved_samples(contenders, rounds, calls)
    return {name: statistics.median(values) for name, values in samples.items()}


def paired_ratio(samples: dict[str, list[float]], ours: str, baseline: str) -> dict[str, float]:
    """`ours` over `baseline`, round by round (the two ran seconds apart, under the same noise):
    the median of those ratios, and their lowest and highest, the spread a reader judges it by."""
    ratios = [a / b for a, b in zip(samples[ours], samples[baseline], strict=True)]
    return {"median": statistics.median(ratios), "low": min(ratios), "high": max(ratios)}


def emit(benchmark: str, results: dict[str, Any]) -> None:
    path = os.environ.get("BENCH_JSON")
    if path:
        with open(path, "a") as out:
            out.write(json.dumps({"benchmark": benchmark, **results}) + "\n")


def wait_until_listening(server: subprocess.Popen[bytes], port: int, name: str) -> None:
    """Return once `server` accepts connections on `port`; exit naming it if it never does."""
    deadline = time.monotonic() + 30
    while not listening(port):
        if server.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"{name} did not start")
        time.sleep(0.05)
