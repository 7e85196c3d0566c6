"""A task for the fault tests only (workers load it with `-I`): slow enough to be killed."""

import time

from celery import shared_task

from {{ cookiecutter.project_slug }}.core.redis_clients import redis_client
from {{ cookiecutter.project_slug }}.notes.tasks import note_summary_refresh_task


@shared_task(acks_late=True, reject_on_worker_lost=True)
def slow_note_summary(owner_id: int, seconds: float, runs_key: str) -> dict[str, int]:
    redis_client("durable").incr(runs_key)  # counts attempts, which the effect must not
    time.sleep(seconds)
    result: dict[str, int] = note_summary_refresh_task(owner_id)
    return result
