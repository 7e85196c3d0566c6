import factory

from {{ cookiecutter.project_slug }}.notes.models import Note
from {{ cookiecutter.project_slug }}.platform.accounts.tests.factories import UserFactory


class NoteFactory(factory.django.DjangoModelFactory[Note]):
    class Meta:
        model = Note

    owner = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Note {n}")
    body = "Some text."
