from django.db import transaction

from {{ cookiecutter.project_slug }}.accounts.models import User
from {{ cookiecutter.project_slug }}.notes.models import Note


@transaction.atomic
def note_create(*, owner: User, title: str, body: str = "") -> Note:
    note = Note(owner=owner, title=title, body=body)
    note.full_clean()
    note.save()
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
    return note


@transaction.atomic
def note_delete(*, note: Note) -> None:
    note.delete()
