"""Health of the services the app depends on, each probed with a deadline."""

import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import Literal

{% if cookiecutter.use_celery == "y" -%}
from django.conf import settings
{% endif -%}
from django.db import connection

from {{ cookiecutter.project_slug }}.platform.core.redis_clients import redis_client, redis_role_urls

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


def redis_probe(role: str) -> Callable[[], None]:
    def probe() -> None:
        if not redis_client(role).ping():
            raise ConnectionError(f"Redis ({role}) did not answer PING")

    return probe


{%- if cookiecutter.use_celery == "y" %}


def probe_worker() -> None:
    from {{ cookiecutter.project_slug }}.platform.jobs.heartbeat import worker_is_alive

    if not worker_is_alive():
        raise ConnectionError("no Celery worker sent a heartbeat recently")
{%- endif %}


def default_dependencies() -> tuple[Dependency, ...]:
    """Postgres and every configured Redis role, each checked on its own{% if cookiecutter.use_celery == "y" %}, and the workers{% endif %}."""
    redis_roles = tuple(
        Dependency(name=f"redis.{role}", probe=redis_probe(role)) for role in redis_role_urls()
    )
{%- if cookiecutter.use_celery == "y" %}
    worker = Dependency(name="worker", probe=probe_worker, critical=settings.HEALTH_WORKER_CRITICAL)
    return (Dependency(name="database", probe=probe_database), *redis_roles, worker)
{%- else %}
    return (Dependency(name="database", probe=probe_database), *redis_roles)
{%- endif %}


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
    *, dependencies: tuple[Dependency, ...] | None = None, timeout: float = 3.0
) -> HealthReport:
    """Probe every dependency at once; none can hold the answer longer than `timeout`."""
    if dependencies is None:
        dependencies = default_dependencies()
    executor = ThreadPoolExecutor(max_workers=len(dependencies), thread_name_prefix="health")
    try:
        runs = {dep.name: (dep, executor.submit(_timed, dep.probe)) for dep in dependencies}
        wait([run for _, run in runs.values()], timeout=timeout)
        results = {name: _result(dep, run, timeout=timeout) for name, (dep, run) in runs.items()}
    finally:
        # Do not wait for a hung probe: it ends with its own socket timeout.
        executor.shutdown(wait=False, cancel_futures=True)
    return HealthReport(status=_overall(results), checks=results)
