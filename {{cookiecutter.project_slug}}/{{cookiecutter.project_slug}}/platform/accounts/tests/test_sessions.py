"""Logging in starts a session that authenticates what follows; logging out or deactivation ends
it, whichever store the sessions live in."""

import pytest

from {{ cookiecutter.project_slug }}.platform.accounts.models import User
from {{ cookiecutter.project_slug }}.platform.accounts.tests.sessions import (
    logged_in,
    session_store,
)
from {{ cookiecutter.project_slug }}.testing.harness_app.urls import HARNESS_URL
from {{ cookiecutter.project_slug }}.testing.refusals import anonymous_refusal_status

pytestmark = pytest.mark.django_db


def test_login_creates_a_session_for_the_user(user: User) -> None:
    _, key = logged_in(user)

    assert session_store(key).exists(key)
    assert session_store(key).get("_auth_user_id") == str(user.pk)


def test_the_session_authenticates_the_following_requests(user: User) -> None:
    client, _ = logged_in(user)

    for _ in range(2):
        response = client.get(HARNESS_URL)
        assert response.status_code == 200


def test_logout_deletes_the_session(user: User) -> None:
    client, key = logged_in(user)

    client.logout()

    assert not session_store(key).exists(key)
    assert client.get(HARNESS_URL).status_code == anonymous_refusal_status()


def test_a_deactivated_users_session_no_longer_authenticates(user: User) -> None:
    client, _ = logged_in(user)

    User.objects.filter(pk=user.pk).update(is_active=False)

    assert client.get(HARNESS_URL).status_code == anonymous_refusal_status()
