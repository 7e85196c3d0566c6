from datetime import timedelta

import pytest
from django.utils import timezone

from {{ cookiecutter.project_slug }}.accounts.models import User
from {{ cookiecutter.project_slug }}.jobs.models import Job
from {{ cookiecutter.project_slug }}.jobs.services import jobs_purge_expired
from {{ cookiecutter.project_slug }}.notes.models import NoteSummary
from {{ cookiecutter.project_slug }}.notes.services import note_summary_refresh
from {{ cookiecutter.project_slug }}.notes.tests.factories import NoteFactory

pytestmark = pytest.mark.django_db


def test_refreshing_a_summary_twice_gives_one_row_with_the_same_values(user: User) -> None:
    NoteFactory.create(owner=user, title="hello world", body="again")

    first = note_summary_refresh(owner_id=user.pk)
    second = note_summary_refresh(owner_id=user.pk)

    assert NoteSummary.objects.filter(owner=user).count() == 1
    assert (first.note_count, first.word_count) == (second.note_count, second.word_count) == (1, 3)


def test_purge_deletes_only_jobs_past_retention(user: User) -> None:
    old = Job.objects.create(owner=user, name="old")
    Job.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=8))
    recent = Job.objects.create(owner=user, name="recent")

    assert jobs_purge_expired() == 1
    assert list(Job.objects.values_list("pk", flat=True)) == [recent.pk]
    assert jobs_purge_expired() == 0
