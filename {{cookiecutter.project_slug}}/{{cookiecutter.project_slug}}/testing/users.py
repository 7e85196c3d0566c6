"""The users the harness signs in, and the password of every test user (the factories' too)."""

from {{ cookiecutter.project_slug }}.platform.accounts.models import User

PASSWORD = "correct horse battery staple"


def create_user(username: str) -> User:
    """A user as accounts/tests/factories.py's UserFactory makes one (the harness imports no app's
    tests): an email at example.com, the password PASSWORD."""
    return User.objects.create_user(username, f"{username}@example.com", PASSWORD)
