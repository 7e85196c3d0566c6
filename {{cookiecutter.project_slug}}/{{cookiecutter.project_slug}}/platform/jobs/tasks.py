from celery import shared_task

from {{ cookiecutter.project_slug }}.platform.jobs.services import jobs_purge_expired


@shared_task(acks_late=True, reject_on_worker_lost=True)
def ping() -> str:
    """A no-op for end-to-end checks (`check_worker --roundtrip`) and the latency benchmark."""
    return "pong"


@shared_task(acks_late=True, reject_on_worker_lost=True)
def jobs_purge_expired_task() -> int:
    """Idempotent: a rerun deletes nothing more."""
    return jobs_purge_expired()
