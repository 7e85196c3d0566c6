"""Workers reach a TLS-only Redis, verifying its certificate (core/tests/test_redis_clients.py has
the other roles)."""

from collections.abc import Callable
from pathlib import Path

from pytest_django.fixtures import Settings

from {{ cookiecutter.project_slug }}.testing.project import run_project
from {{ cookiecutter.project_slug }}.testing.redis_servers import OwnRedis
from {{ cookiecutter.project_slug }}.testing.workers import WorkerProcess

TASKS_MODULE = "{{ cookiecutter.project_slug }}.platform.jobs.tasks"


def test_celery_runs_a_task_over_tls(
    settings: Settings,
    tls_redis: tuple[OwnRedis, Path],
    start_worker: Callable[..., WorkerProcess],
) -> None:
    server, ca_certificate = tls_redis
    tls = {
        "REDIS_DURABLE_URL": f"rediss://127.0.0.1:{server.port}/0",
        "REDIS_SSL_CA_CERTS": str(ca_certificate),
    }
    settings.REDIS_DURABLE_URL = tls["REDIS_DURABLE_URL"]
    settings.REDIS_SSL_CA_CERTS = tls["REDIS_SSL_CA_CERTS"]
    start_worker("tls", **tls)  # its heartbeat arrives over TLS too

    result = run_project(
        f"from {TASKS_MODULE} import ping; print(ping.delay().get(timeout=30))",
        **tls,
    )

    assert result.stdout.strip() == "pong", result.stderr
