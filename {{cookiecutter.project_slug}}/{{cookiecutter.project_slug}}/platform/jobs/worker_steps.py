"""What the platform adds to each Celery worker (config/celery.py adds these steps to the app)."""

import logging
from typing import Any

from celery import bootsteps

logger = logging.getLogger(__name__)


class Heartbeat(bootsteps.StartStopStep):
    """Writes this worker's liveness key from the main process's timer (see heartbeat.py)."""

    requires = ("celery.worker.components:Timer",)

    def start(self, worker: Any) -> None:
        from django.conf import settings

        from {{ cookiecutter.project_slug }}.platform.jobs.heartbeat import worker_heartbeat_record

        worker_heartbeat_record(hostname=worker.hostname)
        self.timer_entry = worker.timer.call_repeatedly(
            settings.WORKER_HEARTBEAT_INTERVAL,
            worker_heartbeat_record,
            kwargs={"hostname": worker.hostname},
        )

    def stop(self, worker: Any) -> None:
        from {{ cookiecutter.project_slug }}.platform.jobs.heartbeat import worker_heartbeat_clear

        self.timer_entry.cancel()
        worker_heartbeat_clear(hostname=worker.hostname)


class WorkerMetrics(bootsteps.StartStopStep):
    """Serves the worker's metrics on WORKER_METRICS_PORT from its main process: the sum of what
    its pool processes wrote to the worker's multiprocess directory (config/celery.py makes it),
    and the queue lengths and heartbeat ages read at each scrape."""

    def start(self, worker: Any) -> None:
        from django.conf import settings

        if not settings.METRICS_ENABLED or not settings.WORKER_METRICS_PORT:
            self.server = None
            return
        from prometheus_client import start_http_server

        from {{ cookiecutter.project_slug }}.platform.observability.metrics import metrics_registry

        try:
            self.server, _ = start_http_server(
                settings.WORKER_METRICS_PORT,
                addr=settings.WORKER_METRICS_ADDRESS,
                registry=metrics_registry(),
            )
        except OSError as error:
            # A second worker on this host finds the port taken: it runs its tasks all the same
            # (metrics are never worth a worker), and says how to give it a port of its own.
            self.server = None
            logger.warning(
                "Worker metrics not served: %s:%s is unavailable (%s). Give each worker on a host "
                "its own WORKER_METRICS_PORT, or 0 for none.",
                settings.WORKER_METRICS_ADDRESS,
                settings.WORKER_METRICS_PORT,
                error.strerror,
            )

    def stop(self, worker: Any) -> None:
        from {{ cookiecutter.project_slug }}.platform.observability.multiprocess import (
            remove_metrics_directory,
        )

        if self.server is not None:
            self.server.shutdown()
        remove_metrics_directory()  # the next start makes a new one
