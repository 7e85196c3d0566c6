"""A task for the fault tests only (workers load it with `-I`): slow enough to be killed."""

import time

from celery import shared_task

from {{ cookiecutter.project_slug }}.platform.core.redis_clients import redis_client
from {{ cookiecutter.project_slug }}.testing.harness_app.tasks import harness_word_count


@shared_task(acks_late=True, reject_on_worker_lost=True)
def slow_harness_word_count(user_id: int, seconds: float, runs_key: str) -> dict[str, int]:
    redis_client("durable").incr(runs_key)  # counts attempts, which the effect must not
    time.sleep(seconds)
    result: dict[str, int] = harness_word_count(user_id)
    return result
