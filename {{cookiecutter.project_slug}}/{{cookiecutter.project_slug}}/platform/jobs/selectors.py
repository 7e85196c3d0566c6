from dataclasses import dataclass
from typing import Any
from uuid import UUID

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
    result: AsyncResult[Any] = AsyncResult(str(job.id))
    if result.failed():
        return JobStatus(id=str(job.id), state=result.state, error=repr(result.result))
    payload = result.result if result.successful() else None
    return JobStatus(id=str(job.id), state=result.state, result=payload)
