"""The example's background job: a user's note totals, computed by a real Celery worker."""

import time
from collections.abc import Callable

import pytest
from rest_framework.test import APIClient

from {{ cookiecutter.project_slug }}.notes.models import NoteSummary
from {{ cookiecutter.project_slug }}.notes.summary import note_summary_refresh
from {{ cookiecutter.project_slug }}.notes.tests.factories import NoteFactory
from {{ cookiecutter.project_slug }}.platform.accounts.models import User
from {{ cookiecutter.project_slug }}.platform.core import events
from {{ cookiecutter.project_slug }}.platform.core.events import DomainEvent, on_domain_event
from {{ cookiecutter.project_slug }}.testing.workers import WorkerProcess

# The worker is another process: it only sees committed rows.
pytestmark = pytest.mark.django_db(transaction=True)


def test_refreshing_a_summary_twice_gives_one_row_with_the_same_values(user: User) -> None:
    NoteFactory.create(owner=user, title="hello world", body="again")

    first = note_summary_refresh(owner_id=user.pk)
    second = note_summary_refresh(owner_id=user.pk)

    assert NoteSummary.objects.filter(owner=user).count() == 1
    assert (first.note_count, first.word_count) == (second.note_count, second.word_count) == (1, 3)


def test_a_refreshed_summary_is_announced(user: User, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(events, "_subscribers", [])
    got: list[DomainEvent] = []
    on_domain_event("notes.*", got.append)
    NoteFactory.create(owner=user, title="one two", body="")

    note_summary_refresh(owner_id=user.pk)

    assert got == [
        DomainEvent(
            name="notes.summary.ready", owner_id=user.pk, data={"note_count": 1, "word_count": 2}
        )
    ]


def test_the_summary_job_runs_on_a_real_worker(
    api_client: APIClient, user: User, start_worker: Callable[..., WorkerProcess]
) -> None:
    NoteFactory.create(owner=user, title="one two", body="three")
    NoteFactory.create(owner=user, title="four", body="")
    start_worker("api")

    accepted = api_client.post("/api/notes/summary/")
    assert accepted.status_code == 202
    deadline = time.monotonic() + 60
    while (finished := api_client.get(accepted.json()["status_url"]).json())["state"] not in (
        "SUCCESS",
        "FAILURE",
    ):
        assert time.monotonic() < deadline, "the summary job did not finish in 60 s"
        time.sleep(0.1)

    assert finished == {
        "id": accepted.json()["id"],
        "state": "SUCCESS",
        "result": {"note_count": 2, "word_count": 4},
    }
    summary = NoteSummary.objects.get(owner=user)
    assert (summary.note_count, summary.word_count) == (2, 4)
    assert api_client.get("/api/notes/summary/").json()["word_count"] == 4
