import factory

from {{ cookiecutter.project_slug }}.platform.accounts.models import User
from {{ cookiecutter.project_slug }}.testing.users import PASSWORD as PASSWORD  # every user's


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    password = factory.django.Password(PASSWORD)
