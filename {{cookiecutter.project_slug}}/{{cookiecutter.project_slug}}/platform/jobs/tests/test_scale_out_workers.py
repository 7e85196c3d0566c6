"""Two servers and two task workers sharing one Redis and one Postgres: a task requested on either
server is done by a worker and its state is seen on the other server."""

import time
from collections.abc import Callable

import pytest

from {{ cookiecutter.project_slug }}.testing.harness_app.urls import HARNESS_JOB_URL
from {{ cookiecutter.project_slug }}.testing.servers import ApiSession, LiveServer
from {{ cookiecutter.project_slug }}.testing.workers import WorkerProcess

# The servers and workers are other processes: they read only committed rows.
pytestmark = pytest.mark.django_db(transaction=True)


def test_tasks_requested_on_either_server_are_done_by_the_workers_and_seen_on_the_other(
    two_servers: list[LiveServer],
    alice: ApiSession,
    start_worker: Callable[..., WorkerProcess],
) -> None:
    for name in ("worker-one", "worker-two"):
        start_worker(name)
    jobs = [alice.post(two_servers[n], HARNESS_JOB_URL).json()["id"] for n in range(2)]
    time.sleep(2)  # both done by then; polling stays within the user's rate

    states = [job_state(alice, two_servers[(n + 1) % 2], job) for n, job in enumerate(jobs)]

    assert states == ["SUCCESS", "SUCCESS"]


def job_state(session: ApiSession, server: LiveServer, job_id: str) -> str:
    return str(session.get(server, f"/api/jobs/{job_id}/").json()["state"])
