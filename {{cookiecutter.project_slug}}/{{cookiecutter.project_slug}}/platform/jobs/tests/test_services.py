from datetime import timedelta

import pytest
from django.utils import timezone

from {{ cookiecutter.project_slug }}.platform.accounts.models import User
from {{ cookiecutter.project_slug }}.platform.jobs.models import Job
from {{ cookiecutter.project_slug }}.platform.jobs.services import jobs_purge_expired

pytestmark = pytest.mark.django_db


def test_purge_deletes_only_jobs_past_retention(user: User) -> None:
    old = Job.objects.create(owner=user, name="old")
    Job.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=8))
    recent = Job.objects.create(owner=user, name="recent")

    assert jobs_purge_expired() == 1
    assert list(Job.objects.values_list("pk", flat=True)) == [recent.pk]
    assert jobs_purge_expired() == 0
