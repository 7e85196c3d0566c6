from celery import shared_task

from {{ cookiecutter.project_slug }}.platform.jobs.services import jobs_purge_expired


@shared_task(acks_late=True, reject_on_worker_lost=True)
def ping() -> str:
    """A no-op for end-to-end checks (`check_worker --roundtrip`) and the latency benchmark."""
    return "pong"


@shared_task(acks_late=True, reject_on_worker_lost=True)
def jobs_purge_expired_task() -> int:
    """{% if cookiecutter.__celery_beat == "y" %}Run by beat every night (CELERY_BEAT_SCHEDULE). {% endif %}Idempotent: a rerun deletes nothing more."""
    return jobs_purge_expired()
