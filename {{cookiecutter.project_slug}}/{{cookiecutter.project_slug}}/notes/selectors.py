from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from {{ cookiecutter.project_slug }}.accounts.models import User
from {{ cookiecutter.project_slug }}.notes.models import Note


def note_list(*, owner: User) -> QuerySet[Note]:
    return Note.objects.filter(owner=owner).order_by("-created_at", "-id")


def note_get(*, owner: User, note_id: int) -> Note:
    """The owner's note; another user's note is a 404, so its existence is not revealed."""
    return get_object_or_404(note_list(owner=owner), pk=note_id)
