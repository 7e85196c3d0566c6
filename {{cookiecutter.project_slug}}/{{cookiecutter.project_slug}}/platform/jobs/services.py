from collections.abc import Callable
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from {{ cookiecutter.project_slug }}.platform.accounts.models import User
from {{ cookiecutter.project_slug }}.platform.jobs.models import Job

# Long enough for clients to read a result; results themselves expire after a day in Redis.
JOB_RETENTION = timedelta(days=7)


def job_enqueue(*, owner: User, name: str, send: Callable[[str], object]) -> Job:
    """Record the job, then hand it to Celery once the transaction commits (so the worker never
    looks for rows that are not there yet). `send(job_id)` enqueues it under that task id."""
    job = Job.objects.create(owner=owner, name=name)
    transaction.on_commit(lambda: send(str(job.id)))
    return job


def jobs_purge_expired(*, older_than: timedelta = JOB_RETENTION) -> int:
    deleted, _ = Job.objects.filter(created_at__lt=timezone.now() - older_than).delete()
    return deleted
