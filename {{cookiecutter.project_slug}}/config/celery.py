import os
from logging.config import dictConfig
from typing import Any

from celery import Celery, bootsteps, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("{{ cookiecutter.project_slug }}")
# Every CELERY_* Django setting configures the app (config/settings/components/celery.py).
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.setup_logging.connect
def use_django_logging(**kwargs: Any) -> None:
    """Workers log through Django's LOGGING instead of Celery's own configuration."""
    from django.conf import settings

    dictConfig(settings.LOGGING)


class Heartbeat(bootsteps.StartStopStep):
    """Writes this worker's liveness key from the main process's timer (see jobs/heartbeat.py)."""

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


app.steps["worker"].add(Heartbeat)
