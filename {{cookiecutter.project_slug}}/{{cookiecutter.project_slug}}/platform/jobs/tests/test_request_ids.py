"""A task carries the id of the request that enqueued it, and the worker logs it with its lines."""

import json
import time
from collections.abc import Callable, Iterator

import pytest
from rest_framework.test import APIClient

from config.celery import app as celery_app

from {{ cookiecutter.project_slug }}.platform.core.redis_clients import redis_client
from {{ cookiecutter.project_slug }}.platform.jobs.tasks import ping
from {{ cookiecutter.project_slug }}.platform.observability.request_ids import bind_request_id
from {{ cookiecutter.project_slug }}.testing.harness_app.urls import HARNESS_JOB_URL
from {{ cookiecutter.project_slug }}.testing.workers import WorkerProcess


def queued_headers(queue: str) -> list[dict[str, object]]:
    """The headers of the messages waiting in `queue` on the broker (kombu's Redis list)."""
    raw = redis_client("broker").lrange(queue, 0, -1)
    return [json.loads(message)["headers"] for message in raw]


@pytest.fixture
def queue() -> Iterator[str]:
    """The run's queue, empty, with no worker consuming it."""
    name: str = celery_app.conf.task_default_queue
    redis_client("broker").delete(name)
    yield name
    redis_client("broker").delete(name)


def test_a_task_sent_for_a_request_carries_its_id_in_a_header(queue: str) -> None:
    bind_request_id("req-51")
    try:
        ping.delay()
    finally:
        bind_request_id(None)
    ping.delay()

    ids = [headers.get("request_id") for headers in queued_headers(queue)]
    assert len(ids) == 2
    assert set(ids) == {"req-51", None}


@pytest.mark.django_db(transaction=True)  # the worker is another process: committed rows only
def test_the_worker_logs_the_request_id_for_the_task_it_ran(
    api_client: APIClient, start_worker: Callable[..., WorkerProcess]
) -> None:
    worker = start_worker("logs", DJANGO_LOG_FORMAT="json")

    accepted = api_client.post(HARNESS_JOB_URL, headers={"X-Request-ID": "support-88"})
    task_id = accepted.json()["id"]

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        records = [
            json.loads(line)
            for line in worker.log_path.read_text().splitlines()
            if line.startswith("{") and task_id in line
        ]
        done = [record for record in records if "succeeded" in record["message"]]
        if done:
            assert done[0]["request_id"] == "support-88"
            return
        time.sleep(0.1)
    pytest.fail(f"the worker logged no success for task {task_id}:\n{worker.log()}")
