"""The worker's metrics endpoint (tasks by state, run time) and the queue lengths and heartbeat
ages any /metrics reads from the broker at scrape time."""

import socket
import uuid
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from pytest_django.fixtures import Settings

from {{ cookiecutter.project_slug }}.platform.core.redis_clients import redis_client
from {{ cookiecutter.project_slug }}.platform.jobs.tasks import ping
from {{ cookiecutter.project_slug }}.testing.metrics import metric_value
from {{ cookiecutter.project_slug }}.testing.ports import free_port
from {{ cookiecutter.project_slug }}.testing.workers import WorkerProcess

TASKS = 3


def scraped(url: str) -> dict[str, list[tuple[dict[str, str], float]]]:
    samples: dict[str, list[tuple[dict[str, str], float]]] = {}
    for family in text_string_to_metric_families(httpx.get(url).text):
        for sample in family.samples:
            samples.setdefault(sample.name, []).append((sample.labels, sample.value))
    return samples


@pytest.mark.django_db(transaction=True)
def test_the_worker_serves_its_pool_processes_task_counts_and_run_times(
    start_worker: Callable[..., WorkerProcess], tmp_path: Path
) -> None:
    port = free_port()
    start_worker("metrics", WORKER_METRICS_PORT=str(port), METRICS_MULTIPROC_ROOT=str(tmp_path))

    results = [ping.delay() for _ in range(TASKS)]
    assert [result.get(timeout=60) for result in results] == ["pong"] * TASKS
    samples = scraped(f"http://127.0.0.1:{port}/metrics")

    tasks = {labels["state"]: value for labels, value in samples["celery_tasks_total"]}
    assert tasks == {"started": TASKS, "succeeded": TASKS}
    [(labels, count)] = samples["celery_task_duration_seconds_count"]
    assert (labels["task"], count) == (ping.name, TASKS)
    # Written by the pool process, not the main one that answers.
    assert list(tmp_path.glob("prometheus-worker-*/counter_*.db"))
    ages = dict(
        (labels["worker"], age) for labels, age in samples["celery_worker_heartbeat_age_seconds"]
    )
    metrics_worker = [age for worker, age in ages.items() if worker.startswith("metrics@")]
    assert len(metrics_worker) == 1
    assert 0 <= metrics_worker[0] < 5


@pytest.mark.django_db(transaction=True)
def test_a_worker_whose_metrics_port_is_taken_still_runs_tasks(
    start_worker: Callable[..., WorkerProcess], tmp_path: Path
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        worker = start_worker("crowded", WORKER_METRICS_PORT=str(port))

        assert ping.delay().get(timeout=60) == "pong"

    assert f"Worker metrics not served: 127.0.0.1:{port} is unavailable" in worker.log()


def test_queue_length_is_the_brokers_llen_at_scrape_time(settings: Settings) -> None:
    queue = f"metrics-{uuid.uuid4().hex}"
    settings.CELERY_TASK_DEFAULT_QUEUE = queue
    try:
        for _ in range(TASKS):
            ping.apply_async(queue=queue)
        waiting = metric_value("celery_queue_length", queue=queue)
        redis_client("broker").delete(queue)
        drained = metric_value("celery_queue_length", queue=queue)
    finally:
        redis_client("broker").delete(queue)

    assert (waiting, drained) == (TASKS, 0)
