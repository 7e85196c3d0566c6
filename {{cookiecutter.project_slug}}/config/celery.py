import os
import sys
from logging.config import dictConfig
from typing import Any

from celery import Celery, signals

from {{ cookiecutter.project_slug }}.platform.jobs.worker_steps import Heartbeat, WorkerMetrics
from {{ cookiecutter.project_slug }}.platform.observability.multiprocess import (
    prepare_metrics_directory,
)
from {{ cookiecutter.project_slug }}.platform.observability.tracing import (
    start_tracing,
    stop_tracing,
)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
# A worker's pool processes write their metrics to files its main process serves
# (docs/metrics.md). The directory must be named before prometheus_client is imported, which
# Django's setup does before Celery sends its first worker signal: so here, for the worker command.
if "worker" in sys.argv[1:]:
    prepare_metrics_directory("worker")

app = Celery("{{ cookiecutter.project_slug }}")
# Every CELERY_* Django setting configures the app (config/settings/components/celery.py).
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.setup_logging.connect
def use_django_logging(**kwargs: Any) -> None:
    """Workers log through Django's LOGGING instead of Celery's own configuration."""
    from django.conf import settings

    dictConfig(settings.LOGGING)


app.steps["worker"].add(Heartbeat)
app.steps["worker"].add(WorkerMetrics)


# Traces (docs/tracing.md) start in each pool process, after fork (the exporter's thread would not
# survive one); a pool process exports what it holds before it exits.
@signals.worker_process_init.connect
def trace_pool_process(**kwargs: Any) -> None:
    start_tracing("worker")


@signals.worker_process_shutdown.connect
def flush_pool_process_traces(**kwargs: Any) -> None:
    stop_tracing()
