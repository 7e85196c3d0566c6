"""The example's background job: a user's note totals, computed by a Celery worker.

A project without Celery has no such module. The platform is reached through its public job
service and domain events only.
"""

from django.db.models import QuerySet
from django.http import Http404

from {{ cookiecutter.project_slug }}.notes.models import Note, NoteSummary
from {{ cookiecutter.project_slug }}.platform.accounts.models import User
from {{ cookiecutter.project_slug }}.platform.core.events import domain_event
from {{ cookiecutter.project_slug }}.platform.jobs.models import Job
from {{ cookiecutter.project_slug }}.platform.jobs.services import job_enqueue


def _word_count(notes: QuerySet[Note]) -> int:
    return sum(len(f"{title} {body}".split()) for title, body in notes.values_list("title", "body"))


def note_summary_refresh(*, owner_id: int) -> NoteSummary:
    """Recompute the owner's totals and announce them (`notes.summary.ready`). Idempotent:
    running it twice leaves one row, same values."""
    notes = Note.objects.filter(owner_id=owner_id)
    summary, _ = NoteSummary.objects.update_or_create(
        owner_id=owner_id,
        defaults={"note_count": notes.count(), "word_count": _word_count(notes)},
    )
    domain_event(
        name="notes.summary.ready",
        owner_id=owner_id,
        data={"note_count": summary.note_count, "word_count": summary.word_count},
    )
    return summary


def note_summary_get(*, owner: User) -> NoteSummary:
    """The owner's totals; a 404 until the worker first computed them."""
    summary = NoteSummary.objects.filter(owner=owner).first()
    if summary is None:
        raise Http404("No summary yet: ask for one.")
    return summary


def note_summary_request(*, owner: User) -> Job:
    """Enqueue a refresh of the owner's summary; the returned job tracks it."""
    from {{ cookiecutter.project_slug }}.notes.tasks import note_summary_refresh_task

    return job_enqueue(
        owner=owner,
        name="notes.summary",
        send=lambda job_id: note_summary_refresh_task.apply_async(args=(owner.pk,), task_id=job_id),
    )
