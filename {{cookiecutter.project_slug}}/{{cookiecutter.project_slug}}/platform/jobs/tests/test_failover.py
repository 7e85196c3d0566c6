"""Workers carry on through a Redis Sentinel failover (core/tests/test_sentinel.py has the rest of
the project): a task enqueued after the master died is done."""

import time
from collections.abc import Callable

import pytest

from {{ cookiecutter.project_slug }}.testing.failover import (
    RECOVERY_BOUND_SECONDS,
    fail_over_and_recover,
)
from {{ cookiecutter.project_slug }}.testing.harness_app.urls import HARNESS_JOB_URL
from {{ cookiecutter.project_slug }}.testing.sentinel import SentinelDeployment
from {{ cookiecutter.project_slug }}.testing.servers import ApiSession, LiveServer
from {{ cookiecutter.project_slug }}.testing.workers import WorkerProcess

# Every test starts redis-servers and sentinels, and processes of the project.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.system]


def test_a_worker_carries_on_through_a_sentinel_failover(
    sentinel_deployment: SentinelDeployment,
    sentinel_env: dict[str, str],
    failover_server: LiveServer,
    alice: ApiSession,
    start_worker: Callable[..., WorkerProcess],
) -> None:
    server = failover_server
    start_worker("survivor", **sentinel_env)

    fail_over_and_recover(sentinel_deployment, alice, server)

    job = alice.post(server, HARNESS_JOB_URL).json()["id"]
    deadline = time.monotonic() + RECOVERY_BOUND_SECONDS
    while (state := alice.get(server, f"/api/jobs/{job}/").json()["state"]) != "SUCCESS":
        assert time.monotonic() < deadline, f"the task enqueued after the failover is {state}"
        time.sleep(0.2)
