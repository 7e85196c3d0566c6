"""What the platform adds to each Celery worker (config/celery.py adds these steps to the app)."""

from typing import Any

from celery import bootsteps


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
