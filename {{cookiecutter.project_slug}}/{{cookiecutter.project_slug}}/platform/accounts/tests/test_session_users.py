"""The session's user comes from a signed cached copy (accounts/session_users.py)."""

import time

import pytest
from django.core import signing
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from pytest_django.fixtures import Settings

from {{ cookiecutter.project_slug }}.platform.accounts.models import User
from {{ cookiecutter.project_slug }}.platform.accounts.session_users import (
    SIGNING_SALT,
    forget_session_user,
    session_user,
)
from {{ cookiecutter.project_slug }}.platform.accounts.tests.factories import PASSWORD
from {{ cookiecutter.project_slug }}.testing.probe.urls import PROBE_PUBLIC_URL, PROBE_URL

pytestmark = pytest.mark.django_db

CACHE_KEY = "accounts:session-user:{}"


def logged_in(user: User) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def loaded(user: User) -> User:
    found = session_user(user_id=user.pk)
    assert found is not None
    return found


def user_queries(queries: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if '"accounts_user"' in q["sql"]]


def test_a_session_request_reads_its_user_from_the_cache_not_the_database(user: User) -> None:
    client = logged_in(user)
    assert client.get(PROBE_URL).status_code == 200  # the first request reads and caches the row

    with CaptureQueriesContext(connection) as queries:
        assert client.get(PROBE_URL).status_code == 200

    assert user_queries(queries) == []


def test_with_the_cache_turned_off_every_request_reads_the_database(
    user: User, settings: Settings
) -> None:
    settings.SESSION_USER_CACHE_SECONDS = 0
    client = logged_in(user)
    client.get(PROBE_URL)

    with CaptureQueriesContext(connection) as queries:
        assert client.get(PROBE_URL).status_code == 200

    assert len(user_queries(queries)) == 1


def test_a_deactivated_user_is_refused_on_the_next_request(user: User) -> None:
    client = logged_in(user)
    assert client.get(PROBE_URL).status_code == 200

    user.is_active = False
    user.save()

    assert client.get(PROBE_URL).status_code in (401, 403)


def test_a_password_change_ends_the_other_sessions_at_once(user: User) -> None:
    client = logged_in(user)
    assert client.get(PROBE_URL).status_code == 200

    user.set_password("a new and different passphrase")
    user.save()

    assert client.get(PROBE_URL).status_code in (401, 403)


def test_a_row_planted_in_the_cache_without_our_signature_is_ignored(user: User) -> None:
    session_user(user_id=user.pk)
    copy = signing.loads(cache.get(CACHE_KEY.format(user.pk)), salt=SIGNING_SALT)
    planted = {**copy, "is_superuser": True}
    cache.set(CACHE_KEY.format(user.pk), signing.dumps(planted, key="not the secret key"))

    assert loaded(user).is_superuser is False


def test_another_users_signed_copy_under_this_users_key_is_ignored(
    user: User, other_user: User
) -> None:
    session_user(user_id=other_user.pk)
    cache.set(CACHE_KEY.format(user.pk), cache.get(CACHE_KEY.format(other_user.pk)))

    assert loaded(user).username == user.username


def test_a_signed_copy_older_than_the_bound_is_ignored(
    user: User, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    old_copy = {"id": user.pk, "is_active": True, "username": "an old name"}
    old = time.time() - settings.SESSION_USER_CACHE_SECONDS - 5
    monkeypatch.setattr(signing.time, "time", lambda: old)  # type: ignore[attr-defined]
    cache.set(CACHE_KEY.format(user.pk), signing.dumps(old_copy, salt=SIGNING_SALT))
    monkeypatch.undo()

    assert loaded(user).username == user.username


def test_the_cached_copy_is_the_row_and_saves_as_an_update(user: User) -> None:
    session_user(user_id=user.pk)  # cached
    cached = loaded(user)

    assert [getattr(cached, f.attname) for f in User._meta.concrete_fields] == [
        getattr(user, f.attname) for f in User._meta.concrete_fields
    ]
    cached.first_name = "Renamed"
    cached.save()
    assert User.objects.get(pk=user.pk).first_name == "Renamed"
    assert User.objects.count() == 1


def test_a_bulk_update_is_seen_once_the_copy_is_forgotten(user: User) -> None:
    session_user(user_id=user.pk)
    User.objects.filter(pk=user.pk).update(first_name="Bulk")  # no signal: the copy stays
    assert loaded(user).first_name == ""

    forget_session_user(user.pk)

    assert loaded(user).first_name == "Bulk"


def test_an_anonymous_request_reads_no_user(db: None) -> None:
    with CaptureQueriesContext(connection) as queries:
        assert Client().get(PROBE_PUBLIC_URL).status_code == 200

    assert user_queries(queries) == []
