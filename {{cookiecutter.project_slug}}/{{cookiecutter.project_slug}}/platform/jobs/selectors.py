from dataclasses import dataclass
from typing import Any
from uuid import UUID

from celery import states
from celery.result import AsyncResult
from django.http import Http404

from {{ cookiecutter.project_slug }}.platform.accounts.models import User
from {{ cookiecutter.project_slug }}.platform.jobs.models import Job


@dataclass(frozen=True)
class JobStatus:
    id: str
    state: str
    result: Any = None
    error: str | None = None


def job_get(*, owner: User, job_id: UUID) -> Job:
    """The owner's job; anyone else's is a 404, so ids cannot be probed."""
    job = Job.objects.filter(owner=owner, pk=job_id).first()
    if job is None:
        raise Http404("No such job.")
    return job


def job_status(*, job: Job) -> JobStatus:
    """The job's state and its outcome, from one read of the result backend.

    Each of AsyncResult's `state`, `failed()` and `successful()` reads the backend again until a
    finished state is cached: asked in turn, they can straddle the worker's finish and report
    SUCCESS with no result, and a poller that stops at SUCCESS never sees it."""
    result: AsyncResult[Any] = AsyncResult(str(job.id))
    state = result.state  # a finished state's result is cached with it: no second read
    if state == states.FAILURE:
        return JobStatus(id=str(job.id), state=state, error=repr(result.result))
    payload = result.result if state == states.SUCCESS else None
    return JobStatus(id=str(job.id), state=state, result=payload)
