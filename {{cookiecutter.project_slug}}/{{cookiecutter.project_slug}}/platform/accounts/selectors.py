from rest_framework.request import Request

from {{ cookiecutter.project_slug }}.platform.accounts.models import User


def requesting_user(request: Request) -> User:
    """The user an API view serves. Call it only behind IsAuthenticated (the default permission),
    which has already turned anonymous requests away."""
    assert isinstance(request.user, User)
    return request.user
