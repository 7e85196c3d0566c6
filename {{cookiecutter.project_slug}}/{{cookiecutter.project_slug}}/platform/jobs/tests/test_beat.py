import pytest
from django.db import connection
from pytest_django.fixtures import Settings

from config.celery import app as celery_app

from {{ cookiecutter.project_slug }}.platform.jobs.beat import (
    BEAT_TABLE,
    MigratedDatabaseScheduler,
    beat_tables_missing,
)
from {{ cookiecutter.project_slug }}.platform.jobs.tasks import jobs_purge_expired_task

pytestmark = pytest.mark.django_db


def test_beat_finds_its_tables_after_migrate() -> None:
    assert not beat_tables_missing()


def test_beat_without_its_tables_stops_with_a_message_not_a_traceback(settings: Settings) -> None:
    settings.CELERY_BEAT_MIGRATION_WAIT = 0
    with connection.cursor() as cursor:  # undone with the test's transaction
        cursor.execute(f"ALTER TABLE {BEAT_TABLE} RENAME TO not_migrated_yet")

    with pytest.raises(SystemExit, match=r"Run `python manage\.py migrate`"):
        MigratedDatabaseScheduler(app=celery_app)


@pytest.mark.django_db(transaction=True)  # the scheduler closes the connection it used
def test_beat_installs_the_example_periodic_task() -> None:
    from django_celery_beat.models import PeriodicTask

    MigratedDatabaseScheduler(app=celery_app)

    task = PeriodicTask.objects.get(name="purge-expired-jobs")
    assert task.task == jobs_purge_expired_task.name
