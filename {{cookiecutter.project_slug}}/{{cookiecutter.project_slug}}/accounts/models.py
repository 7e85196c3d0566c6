from django.contrib.auth.models import AbstractUser


class User(AbstractUser):
    """The project's own user model from day one: swapping it in later means rewriting
    migrations across every app that points at a user."""
