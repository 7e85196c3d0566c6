"""Health of the services the app depends on, each probed with a deadline."""

import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import Literal

from django.db import connection

from {{ cookiecutter.project_slug }}.core.redis import cache_redis

CheckStatus = Literal["ok", "down"]
OverallStatus = Literal["ok", "degraded", "down"]


@dataclass(frozen=True)
class Dependency:
    name: str
    probe: Callable[[], None]
    # A failing critical dependency makes the app unable to serve (503); others degrade it.
    critical: bool = True


@dataclass(frozen=True)
class CheckResult:
    status: CheckStatus
    latency_ms: float
    critical: bool
    error: str | None = None


@dataclass(frozen=True)
class HealthReport:
    status: OverallStatus
    checks: dict[str, CheckResult]


def probe_database() -> None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    finally:
        # The probe runs in a worker thread: its connection must not outlive it.
        connection.close()


def probe_redis() -> None:
    if not cache_redis().ping():
        raise ConnectionError("Redis did not answer PING")


DEPENDENCIES = (
    Dependency(name="database", probe=probe_database),
    Dependency(name="redis", probe=probe_redis),
)


def _timed(probe: Callable[[], None]) -> float:
    started = time.perf_counter()
    probe()
    return (time.perf_counter() - started) * 1000


def _result(dependency: Dependency, run: Future[float], *, timeout: float) -> CheckResult:
    if not run.done():
        return CheckResult("down", timeout * 1000, dependency.critical, f"no answer in {timeout}s")
    error = run.exception()
    if error is not None:
        return CheckResult("down", 0.0, dependency.critical, f"{type(error).__name__}: {error}")
    return CheckResult("ok", round(run.result(), 2), dependency.critical)


def _overall(results: dict[str, CheckResult]) -> OverallStatus:
    failed = [result for result in results.values() if result.status != "ok"]
    if any(result.critical for result in failed):
        return "down"
    return "degraded" if failed else "ok"


def health_check(
    *, dependencies: tuple[Dependency, ...] = DEPENDENCIES, timeout: float = 3.0
) -> HealthReport:
    """Probe every dependency at once; none can hold the answer longer than `timeout`."""
    executor = ThreadPoolExecutor(max_workers=len(dependencies), thread_name_prefix="health")
    try:
        runs = {dep.name: (dep, executor.submit(_timed, dep.probe)) for dep in dependencies}
        wait([run for _, run in runs.values()], timeout=timeout)
        results = {name: _result(dep, run, timeout=timeout) for name, (dep, run) in runs.items()}
    finally:
        # Do not wait for a hung probe: it ends with its own socket timeout.
        executor.shutdown(wait=False, cancel_futures=True)
    return HealthReport(status=_overall(results), checks=results)
