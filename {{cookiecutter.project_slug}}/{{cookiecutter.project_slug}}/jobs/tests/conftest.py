from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from {{ cookiecutter.project_slug }}.jobs.tests.worker_process import WorkerProcess


@pytest.fixture
def start_worker(tmp_path: Path) -> Iterator[Callable[..., WorkerProcess]]:
    """Start real Celery workers for this test; all are stopped when it ends."""
    workers: list[WorkerProcess] = []

    def start(name: str, **env: str) -> WorkerProcess:
        worker = WorkerProcess(name, tmp_path / f"{name}.log", **env)
        workers.append(worker)
        return worker.start()

    yield start
    for worker in workers:
        worker.stop()
