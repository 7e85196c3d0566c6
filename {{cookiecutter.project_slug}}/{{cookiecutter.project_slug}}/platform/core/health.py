"""Health of the services the app depends on, each probed with a deadline.

Each dependency is probed in a thread of its own that lives as long as the process: a hung probe
holds that one thread (later probes of it wait behind it and are reported down at the deadline)
instead of piling up new ones, and the database probe keeps its connection between probes the
way a request thread does (CONN_MAX_AGE, the pool), instead of opening one per probe.
`health_report()` keeps the report for HEALTH_CACHE_SECONDS, so a flood of health requests
probes nothing more.
"""

import contextvars
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import Literal

from django.conf import settings
from django.db import close_old_connections, connection

from {{ cookiecutter.project_slug }}.platform.core.redis_clients import (
    redis_client,
    redis_role_urls,
)

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
    # What Django does around a request, in the probe's long-lived thread: a broken or expired
    # connection is replaced; a live one (CONN_MAX_AGE) is kept, or handed back to the pool.
    close_old_connections()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    finally:
        close_old_connections()


def redis_probe(role: str) -> Callable[[], None]:
    def probe() -> None:
        if not redis_client(role).ping():
            raise ConnectionError(f"Redis ({role}) did not answer PING")

    return probe


@dataclass(frozen=True)
class RegisteredProbe:
    probe: Callable[[], None]
    # Asked at each check, so a setting can decide whether a failure takes the app down.
    critical: Callable[[], bool]


# Probes the platform's features add from their AppConfig.ready(), by name: a feature that is
# deleted takes its probe with it.
registered_probes: dict[str, RegisteredProbe] = {}


def register_health_probe(
    name: str, probe: Callable[[], None], *, critical: Callable[[], bool] = lambda: True
) -> None:
    """Probe `name` in every health check from now on."""
    registered_probes[name] = RegisteredProbe(probe=probe, critical=critical)


def _registered_dependencies() -> tuple[Dependency, ...]:
    return tuple(
        Dependency(name=name, probe=registered.probe, critical=registered.critical())
        for name, registered in registered_probes.items()
    )


def default_dependencies() -> tuple[Dependency, ...]:
    """Postgres, every configured Redis role, each checked on its own, and the registered probes."""
    redis_roles = tuple(
        Dependency(name=f"redis.{role}", probe=redis_probe(role)) for role in redis_role_urls()
    )
    database = Dependency(name="database", probe=probe_database)
    return (database, *redis_roles, *_registered_dependencies())


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


class ProbeThreads:
    """One long-lived thread per dependency name, in this process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pid = os.getpid()
        self._threads: dict[str, ThreadPoolExecutor] = {}
        self._running: dict[str, Future[float]] = {}

    def submit(self, name: str, probe: Callable[[], None]) -> Future[float]:
        """The probe's run; while an earlier one of `name` still hangs, that one (so a hung
        dependency queues no probes behind it)."""
        with self._lock:
            if self._pid != os.getpid():  # a forked process inherits the dicts, not the threads
                self._pid, self._threads, self._running = os.getpid(), {}, {}
            running = self._running.get(name)
            if running is not None and not running.done():
                return running
            if name not in self._threads:
                prefix = f"health-{name}"
                self._threads[name] = ThreadPoolExecutor(max_workers=1, thread_name_prefix=prefix)
            # In the caller's context: the probe's log lines and trace spans belong to the request.
            in_context = contextvars.copy_context().run
            self._running[name] = self._threads[name].submit(in_context, _timed, probe)
            return self._running[name]

    def close_connections(self) -> None:
        """Close each thread's database connection (the test database cannot be dropped while
        one is open)."""
        with self._lock:
            threads = list(self._threads.values()) if self._pid == os.getpid() else []
        wait([thread.submit(_close_this_threads_connection) for thread in threads], timeout=10)


def _close_this_threads_connection() -> None:
    # Looked up in the thread that runs this: `connection` is each thread's own.
    connection.close()


probe_threads = ProbeThreads()


def health_check(
    *, dependencies: tuple[Dependency, ...] | None = None, timeout: float = 3.0
) -> HealthReport:
    """Probe every dependency at once; none can hold the answer longer than `timeout`."""
    if dependencies is None:
        dependencies = default_dependencies()
    runs = {dep.name: (dep, probe_threads.submit(dep.name, dep.probe)) for dep in dependencies}
    wait([run for _, run in runs.values()], timeout=timeout)
    results = {name: _result(dep, run, timeout=timeout) for name, (dep, run) in runs.items()}
    return HealthReport(status=_overall(results), checks=results)


class CachedReport:
    """The last report, for HEALTH_CACHE_SECONDS: one probe per process per period, however
    many requests ask (a flood of health requests costs a dictionary lookup each)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._report: HealthReport | None = None
        self._expires = 0.0

    def get(self) -> HealthReport:
        # Requests that arrive during a probe wait for its report instead of probing again.
        with self._lock:
            if self._report is None or time.monotonic() >= self._expires:
                self._report = health_check()
                self._expires = time.monotonic() + settings.HEALTH_CACHE_SECONDS
            return self._report

    def clear(self) -> None:
        with self._lock:
            self._report = None


cached_report = CachedReport()


def health_report() -> HealthReport:
    return cached_report.get()
