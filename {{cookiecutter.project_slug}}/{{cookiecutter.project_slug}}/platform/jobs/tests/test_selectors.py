from collections.abc import Callable
from typing import Any

import pytest
from celery import current_app, states

from {{ cookiecutter.project_slug }}.platform.accounts.models import User
from {{ cookiecutter.project_slug }}.platform.jobs.models import Job
from {{ cookiecutter.project_slug }}.platform.jobs.selectors import job_status

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("reads_before_the_finish", [1, 2])
def test_a_job_finishing_while_its_status_is_read_is_reported_whole(
    user: User, monkeypatch: pytest.MonkeyPatch, reads_before_the_finish: int
) -> None:
    """The worker stores SUCCESS and the result (in the real result backend) right after the
    status has read the backend `reads_before_the_finish` times: the answer is the state before
    or the state after, never SUCCESS without its result."""
    job = Job.objects.create(owner=user, name="report")
    backend = current_app.backend
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
    finally:
        backend.forget(str(job.id))

    assert (status.state, status.result) in [
        (states.STARTED, None),
        (states.SUCCESS, {"rows": 1}),
    ]
