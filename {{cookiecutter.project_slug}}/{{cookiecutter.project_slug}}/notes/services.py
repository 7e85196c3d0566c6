from django.db import transaction

from {{ cookiecutter.project_slug }}.accounts.models import User
from {{ cookiecutter.project_slug }}.notes.cache import notes_cache_invalidate
from {{ cookiecutter.project_slug }}.notes.models import Note


def _invalidate_after_commit(owner_id: int) -> None:
    # After commit: invalidating earlier would let a concurrent read cache the old rows again.
    transaction.on_commit(lambda: notes_cache_invalidate(owner_id=owner_id))


@transaction.atomic
def note_create(*, owner: User, title: str, body: str = "") -> Note:
    note = Note(owner=owner, title=title, body=body)
    note.full_clean()
    note.save()
    _invalidate_after_commit(owner.pk)
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
    _invalidate_after_commit(note.owner_id)
    return note


@transaction.atomic
def note_delete(*, note: Note) -> None:
    owner_id = note.owner_id
    note.delete()
    _invalidate_after_commit(owner_id)
