"""Beat's scheduler: django-celery-beat's DatabaseScheduler that waits for its tables instead of
crashing with a traceback when beat starts before `migrate` has run."""

import time
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django_celery_beat.schedulers import DatabaseScheduler

from {{ cookiecutter.project_slug }}.platform.observability.tracing import start_tracing

BEAT_TABLE = "django_celery_beat_periodictask"


def beat_tables_missing(db: BaseDatabaseWrapper = connection) -> bool:
    return BEAT_TABLE not in db.introspection.table_names()


def wait_for_beat_tables(*, timeout: float, poll: float = 2.0) -> None:
    deadline = time.monotonic() + timeout
    while beat_tables_missing():
        if time.monotonic() >= deadline:
            raise SystemExit(
                f"Celery beat: the table {BEAT_TABLE} is still missing after {timeout:.0f} s. "
                "Run `python manage.py migrate` (in compose: the migrate service), then beat."
            )
        time.sleep(poll)


class MigratedDatabaseScheduler(DatabaseScheduler):
    def setup_schedule(self) -> Any:
        # Beat's traces (docs/tracing.md) start here, in the beat process, before its first tick.
        start_tracing("beat")
        wait_for_beat_tables(timeout=settings.CELERY_BEAT_MIGRATION_WAIT)
        return super().setup_schedule()
