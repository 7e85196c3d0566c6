"""How a note looks in the API: the output the APIs answer and the selectors cache."""

from typing import TypedDict

from rest_framework import serializers

from {{ cookiecutter.project_slug }}.notes.models import Note


class NoteData(TypedDict):
    """One note as the API shows it: JSON types only, so it can be cached as JSON."""

    id: int
    title: str
    body: str
    created_at: str
    updated_at: str


class NoteOutputSerializer(serializers.ModelSerializer[Note]):
    class Meta:
        model = Note
        fields = ("id", "title", "body", "created_at", "updated_at")
