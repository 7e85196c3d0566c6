"""The background jobs' metrics (docs/metrics.md): tasks by state and run time, recorded in the
worker's pool processes; queue lengths and worker heartbeat ages, read at scrape time by any
process that serves /metrics (jobs/apps.py registers the collector with observability)."""

import logging
import time
from collections.abc import Iterator
from typing import Any

from celery import signals
from django.conf import settings
from prometheus_client import Counter, Histogram
from prometheus_client.metrics_core import GaugeMetricFamily, Metric
from redis.exceptions import RedisError

from {{ cookiecutter.project_slug }}.platform.core.redis_clients import redis_client
from {{ cookiecutter.project_slug }}.platform.jobs.heartbeat import worker_heartbeats

logger = logging.getLogger(__name__)

TASK_BUCKETS = (0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 10.0, 30.0, 60.0, 300.0, 900.0)

celery_tasks = Counter(
    "celery_tasks",
    "Tasks by name and state (started, succeeded, failed, retried).",
    ["task", "state"],
)
celery_task_duration = Histogram(
    "celery_task_duration_seconds", "Task run time, by name.", ["task"], buckets=TASK_BUCKETS
)


def celery_queue_length_family(lengths: dict[str, int]) -> GaugeMetricFamily:
    """`celery_queue_length{queue}`: messages waiting in each queue, read at scrape time."""
    family = GaugeMetricFamily(
        "celery_queue_length", "Messages waiting in each Celery queue.", labels=["queue"]
    )
    for queue, length in sorted(lengths.items()):
        family.add_metric([queue], length)
    return family


def celery_worker_heartbeat_age_family(ages: dict[str, float]) -> GaugeMetricFamily:
    """`celery_worker_heartbeat_age_seconds{worker}`: seconds since each live worker's heartbeat."""
    family = GaugeMetricFamily(
        "celery_worker_heartbeat_age_seconds",
        "Seconds since each live Celery worker's last heartbeat.",
        labels=["worker"],
    )
    for worker, age in sorted(ages.items()):
        family.add_metric([worker], age)
    return family


# When each task of this pool process started, by task id.
_started: dict[str, float] = {}


def celery_queue_names() -> list[str]:
    """The queues the project's workers consume: the default one and any declared in settings."""
    declared = [queue.name for queue in getattr(settings, "CELERY_TASK_QUEUES", None) or ()]
    return sorted({settings.CELERY_TASK_DEFAULT_QUEUE, *declared})


class CeleryScrapeCollector:
    """Reads the broker and the heartbeat keys at each scrape: a gauge of what is true now, not of
    what some process last saw."""

    def collect(self) -> Iterator[Metric]:
        try:
            broker = redis_client("broker")
            lengths = {queue: int(broker.llen(queue)) for queue in celery_queue_names()}
            ages = worker_heartbeats()
        except RedisError as error:
            # A scrape still answers with everything else; the outage shows in /health.
            logger.warning("Celery metrics unavailable: %s", error)
            return
        yield celery_queue_length_family(lengths)
        yield celery_worker_heartbeat_age_family(ages)


def _task_name(task: Any) -> str:
    return str(getattr(task, "name", None) or "unknown")


def _task_started(task_id: str, task: Any, **kwargs: Any) -> None:
    _started[task_id] = time.perf_counter()
    celery_tasks.labels(_task_name(task), "started").inc()


def _task_finished(task_id: str, task: Any, state: str | None = None, **kwargs: Any) -> None:
    started = _started.pop(task_id, None)
    if started is not None:
        celery_task_duration.labels(_task_name(task)).observe(time.perf_counter() - started)
    if state == "SUCCESS":
        celery_tasks.labels(_task_name(task), "succeeded").inc()


def _task_failed(sender: Any = None, **kwargs: Any) -> None:
    celery_tasks.labels(_task_name(sender), "failed").inc()


def _task_retried(sender: Any = None, **kwargs: Any) -> None:
    celery_tasks.labels(_task_name(sender), "retried").inc()


def task_metrics_connect() -> None:
    """Record every task this process runs (a worker's pool processes; called by jobs/apps.py)."""
    signals.task_prerun.connect(_task_started, dispatch_uid="task-metrics-started")
    signals.task_postrun.connect(_task_finished, dispatch_uid="task-metrics-finished")
    signals.task_failure.connect(_task_failed, dispatch_uid="task-metrics-failed")
    signals.task_retry.connect(_task_retried, dispatch_uid="task-metrics-retried")
