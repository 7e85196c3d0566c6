from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from {{ cookiecutter.project_slug }}.notes.models import Note
from {{ cookiecutter.project_slug }}.notes.services import note_create, note_delete, note_update
from {{ cookiecutter.project_slug }}.notes.tests.factories import NoteFactory
from {{ cookiecutter.project_slug }}.platform.accounts.models import User
from {{ cookiecutter.project_slug }}.platform.core import events
from {{ cookiecutter.project_slug }}.platform.core.events import DomainEvent, on_domain_event

pytestmark = pytest.mark.django_db


def test_note_create_validates_before_saving(user: User) -> None:
    with pytest.raises(ValidationError) as raised:
        note_create(owner=user, title="x" * 201)

    assert "title" in raised.value.message_dict
    assert not Note.objects.exists()


def test_note_update_without_changes_does_not_touch_the_row(user: User) -> None:
    note = NoteFactory.create(owner=user, title="Same")
    before = note.updated_at

    note_update(note=note, title="Same")

    note.refresh_from_db()
    assert note.updated_at == before


def test_note_update_saves_the_changed_field(user: User) -> None:
    note = NoteFactory.create(owner=user, title="Old", body="Body")

    note_update(note=note, body="New body")

    note.refresh_from_db()
    assert (note.title, note.body) == ("Old", "New body")
    assert note.updated_at > note.created_at


def test_each_note_write_is_announced_as_a_domain_event_after_commit(
    user: User,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Callable[..., AbstractContextManager[Any]],
) -> None:
    monkeypatch.setattr(events, "_subscribers", [])
    got: list[DomainEvent] = []
    on_domain_event("note.*", got.append)

    with django_capture_on_commit_callbacks(execute=True):
        note = note_create(owner=user, title="First")
        note_id = note.pk
        note_update(note=note, title="Second")
        note_delete(note=note)
        assert got == []  # nothing before the commit

    assert got == [
        DomainEvent(name="note.created", owner_id=user.pk, data={"id": note_id, "title": "First"}),
        DomainEvent(name="note.updated", owner_id=user.pk, data={"id": note_id, "title": "Second"}),
        DomainEvent(name="note.deleted", owner_id=user.pk, data={"id": note_id}),
    ]
