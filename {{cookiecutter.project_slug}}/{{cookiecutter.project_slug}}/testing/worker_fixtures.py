"""Fixtures of the background jobs: real workers a test starts (the harness plugin loads this)."""

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from {{ cookiecutter.project_slug }}.testing.fixtures import PROCESS_FIXTURES
from {{ cookiecutter.project_slug }}.testing.workers import WorkerProcess

PROCESS_FIXTURES.add("start_worker")


@pytest.fixture
def worker_task_modules() -> tuple[str, ...]:
    """Modules of test-only tasks the workers load; a test module overrides this to add its own."""
    return ()


@pytest.fixture
def start_worker(
    tmp_path: Path, worker_task_modules: tuple[str, ...]
) -> Iterator[Callable[..., WorkerProcess]]:
    """Start real Celery workers for this test; all are stopped when it ends."""
    workers: list[WorkerProcess] = []

    def start(name: str, **env: str) -> WorkerProcess:
        log_path = tmp_path / f"{name}.log"
        worker = WorkerProcess(name, log_path, task_modules=worker_task_modules, **env)
        workers.append(worker)
        return worker.start()

    yield start
    for worker in workers:
        worker.stop()
