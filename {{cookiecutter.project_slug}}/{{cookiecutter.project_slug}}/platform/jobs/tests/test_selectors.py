from collections.abc import Callable
from typing import Any

import pytest
from celery import states

from config.celery import app as celery_app

from {{ cookiecutter.project_slug }}.platform.accounts.models import User
from {{ cookiecutter.project_slug }}.platform.jobs.models import Job
from {{ cookiecutter.project_slug }}.platform.jobs.selectors import JobStatus, job_status

pytestmark = pytest.mark.django_db


# 2: a status that reads the backend again (as failed(), successful() and state each did) sees
# the finish on its later reads and paired SUCCESS with the earlier empty result.
@pytest.mark.parametrize("reads_before_the_finish", [1, 2])
def test_a_job_finishing_while_its_status_is_read_is_reported_whole(
    user: User, monkeypatch: pytest.MonkeyPatch, reads_before_the_finish: int
) -> None:
    """The worker stores SUCCESS and the result (in the real result backend) right after the
    status has read the backend `reads_before_the_finish` times: the status reads it once, and
    answers the state before or the state after, never SUCCESS without its result."""
    job = Job.objects.create(owner=user, name="report")
    backend = celery_app.backend
    backend.store_result(str(job.id), None, states.STARTED)
    read_meta: Callable[..., dict[str, Any]] = backend.get_task_meta
    reads = 0

    def worker_finishes_after_some_reads(task_id: str, cache: bool = True) -> dict[str, Any]:
        nonlocal reads
        meta = read_meta(task_id, cache)
        reads += 1
        if reads == reads_before_the_finish:
            backend.store_result(task_id, {"rows": 1}, states.SUCCESS)
        return meta

    monkeypatch.setattr(backend, "get_task_meta", worker_finishes_after_some_reads)
    try:
        status = job_status(job=job)
        assert reads == 1
        assert (status.state, status.result) in [
            (states.STARTED, None),
            (states.SUCCESS, {"rows": 1}),
        ]
        # Once the worker has finished, the next status carries the result.
        backend.store_result(str(job.id), {"rows": 1}, states.SUCCESS)
        finished = JobStatus(id=str(job.id), state=states.SUCCESS, result={"rows": 1})
        assert job_status(job=job) == finished
    finally:
        backend.forget(str(job.id))
