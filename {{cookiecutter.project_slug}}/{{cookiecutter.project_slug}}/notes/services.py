from django.db import transaction
{%- if cookiecutter.use_celery == "y" %}
from django.db.models import QuerySet
{%- endif %}

from {{ cookiecutter.project_slug }}.accounts.models import User
{%- if cookiecutter.use_celery == "y" %}
from {{ cookiecutter.project_slug }}.jobs.models import Job
from {{ cookiecutter.project_slug }}.jobs.services import job_enqueue
{%- endif %}
from {{ cookiecutter.project_slug }}.notes.cache import notes_cache_invalidate
from {{ cookiecutter.project_slug }}.notes.models import Note{% if cookiecutter.use_celery == "y" %}, NoteSummary{% endif %}
{%- if cookiecutter.use_realtime == "y" %}
from {{ cookiecutter.project_slug }}.realtime.channels import user_channel
from {{ cookiecutter.project_slug }}.realtime.services import realtime_publish
{%- endif %}


def _after_commit(owner_id: int{% if cookiecutter.use_realtime == "y" %}, event: str, data: dict[str, object]{% endif %}) -> None:
    # After commit: invalidating earlier would let a concurrent read cache the old rows again.
    def effects() -> None:
        notes_cache_invalidate(owner_id=owner_id)
{%- if cookiecutter.use_realtime == "y" %}
        realtime_publish(channel=user_channel(owner_id), event=event, data=data)
{%- endif %}

    transaction.on_commit(effects)


@transaction.atomic
def note_create(*, owner: User, title: str, body: str = "") -> Note:
    note = Note(owner=owner, title=title, body=body)
    note.full_clean()
    note.save()
    _after_commit(owner.pk{% if cookiecutter.use_realtime == "y" %}, "note.created", {"id": note.pk, "title": note.title}{% endif %})
    return note


@transaction.atomic
def note_update(*, note: Note, title: str | None = None, body: str | None = None) -> Note:
    changed = {
        field: value
        for field, value in (("title", title), ("body", body))
        if value is not None and getattr(note, field) != value
    }
    if not changed:
        return note
    for field, value in changed.items():
        setattr(note, field, value)
    note.full_clean()
    note.save(update_fields=[*changed, "updated_at"])
    _after_commit(note.owner_id{% if cookiecutter.use_realtime == "y" %}, "note.updated", {"id": note.pk, "title": note.title}{% endif %})
    return note


@transaction.atomic
def note_delete(*, note: Note) -> None:
    owner_id{% if cookiecutter.use_realtime == "y" %}, note_id{% endif %} = note.owner_id{% if cookiecutter.use_realtime == "y" %}, note.pk{% endif %}
    note.delete()
    _after_commit(owner_id{% if cookiecutter.use_realtime == "y" %}, "note.deleted", {"id": note_id}{% endif %})
{%- if cookiecutter.use_celery == "y" %}


def _word_count(notes: QuerySet[Note]) -> int:
    return sum(len(f"{title} {body}".split()) for title, body in notes.values_list("title", "body"))


def note_summary_refresh(*, owner_id: int) -> NoteSummary:
    """Recompute the owner's totals. Idempotent: running it twice leaves one row, same values."""
    notes = Note.objects.filter(owner_id=owner_id)
    summary, _ = NoteSummary.objects.update_or_create(
        owner_id=owner_id,
        defaults={"note_count": notes.count(), "word_count": _word_count(notes)},
    )
    return summary


def note_summary_request(*, owner: User) -> Job:
    """Enqueue a refresh of the owner's summary; the returned job tracks it."""
    from {{ cookiecutter.project_slug }}.notes.tasks import note_summary_refresh_task

    return job_enqueue(
        owner=owner,
        name="notes.summary",
        send=lambda job_id: note_summary_refresh_task.apply_async(args=(owner.pk,), task_id=job_id),
    )
{%- endif %}
