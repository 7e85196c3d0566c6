from django.db import transaction

from {{ cookiecutter.project_slug }}.notes.cache import notes_cache
from {{ cookiecutter.project_slug }}.notes.models import Note
from {{ cookiecutter.project_slug }}.platform.accounts.models import User
from {{ cookiecutter.project_slug }}.platform.core.events import domain_event


def _note_changed(*, owner_id: int, event: str, data: dict[str, object]) -> None:
    # Registered before the event, so a client told of the change reads it, not the cached past.
    notes_cache.invalidate_on_commit(owner_id=owner_id)
    domain_event(name=event, owner_id=owner_id, data=data)


@transaction.atomic
def note_create(*, owner: User, title: str, body: str = "") -> Note:
    note = Note(owner=owner, title=title, body=body)
    note.full_clean()
    note.save()
    _note_changed(
        owner_id=owner.pk, event="note.created", data={"id": note.pk, "title": note.title}
    )
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
    _note_changed(
        owner_id=note.owner_id, event="note.updated", data={"id": note.pk, "title": note.title}
    )
    return note


@transaction.atomic
def note_delete(*, note: Note) -> None:
    owner_id, note_id = note.owner_id, note.pk
    note.delete()
    _note_changed(owner_id=owner_id, event="note.deleted", data={"id": note_id})
