"""The session's user comes from a signed copy loaded with the session (user_copies.py, backends.py,
middleware.py)."""

import logging
import time
from importlib import import_module
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from pytest_django.fixtures import Settings

from {{ cookiecutter.project_slug }}.platform.accounts.backends import (
    SessionUserBackend,
    session_user,
)
from {{ cookiecutter.project_slug }}.platform.accounts.models import User
from {{ cookiecutter.project_slug }}.platform.accounts.tests.factories import PASSWORD
from {{ cookiecutter.project_slug }}.platform.accounts.user_copies import (
    SIGNING_SALT,
    forget_user_copies,
    session_holder,
    user_copy_key,
)
from {{ cookiecutter.project_slug }}.testing.harness_app.urls import (
    HARNESS_PUBLIC_URL,
    HARNESS_URL,
)
from {{ cookiecutter.project_slug }}.testing.ports import free_port

pytestmark = pytest.mark.django_db


def logged_in(user: User) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    assert client.get(HARNESS_URL).status_code == 200  # reads the row and copies it
    return client


def session_key(client: Client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def copy_key(client: Client) -> str:
    return user_copy_key(session_holder(session_key(client)))


def copy_of(client: Client) -> object:
    return caches[settings.SESSION_CACHE_ALIAS].get(copy_key(client))


def plant(client: Client, value: object) -> None:
    caches[settings.SESSION_CACHE_ALIAS].set(copy_key(client), value)


def loaded(client: Client, user: User) -> User:
    """The user as the client's next request would load it."""
    session = import_module(settings.SESSION_ENGINE).SessionStore(session_key=session_key(client))
    assert session.get("_auth_user_id") == str(user.pk)  # loads the session (and the copy)
    found = session_user(session=session, user_id=user.pk)
    assert found is not None
    return found


def user_queries(queries: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if '"accounts_user"' in q["sql"]]


def user_queries_of_a_request(client: Client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(HARNESS_URL).status_code == 200
    return len(user_queries(queries))


def test_a_session_request_reads_its_user_from_the_copy_not_the_database(user: User) -> None:
    client = logged_in(user)

    assert user_queries_of_a_request(client) == 0


def test_with_the_copy_turned_off_every_request_reads_the_database(
    user: User, settings: Settings
) -> None:
    settings.SESSION_USER_CACHE_SECONDS = 0
    client = logged_in(user)

    assert user_queries_of_a_request(client) == 1
    assert copy_of(client) is None


def test_a_deactivated_user_is_refused_on_the_next_request(user: User) -> None:
    client = logged_in(user)

    user.is_active = False
    user.save()

    assert client.get(HARNESS_URL).status_code in (401, 403)


def test_a_password_change_ends_the_other_sessions_at_once(user: User) -> None:
    client = logged_in(user)

    user.set_password("a new and different passphrase")
    user.save()

    assert client.get(HARNESS_URL).status_code in (401, 403)


def test_saving_a_user_drops_the_copies_of_all_its_sessions(user: User) -> None:
    laptop, phone = logged_in(user), logged_in(user)
    laptop.get(HARNESS_URL)  # copied again: the phone's login saved the user (last_login)
    assert copy_of(laptop) is not None
    assert copy_of(phone) is not None

    user.first_name = "Renamed"
    user.save()

    assert copy_of(laptop) is None
    assert copy_of(phone) is None
    assert user_queries_of_a_request(laptop) == 1
    assert loaded(phone, user).first_name == "Renamed"


def test_a_row_planted_beside_the_session_without_our_signature_is_ignored(user: User) -> None:
    client = logged_in(user)
    copy = signing.loads(str(copy_of(client)), salt=SIGNING_SALT)
    copy["user"]["is_superuser"] = True
    plant(client, signing.dumps(copy, key="not the secret key"))

    assert loaded(client, user).is_superuser is False


def test_another_users_signed_copy_beside_this_session_is_ignored(
    user: User, other_user: User
) -> None:
    client, others = logged_in(user), logged_in(other_user)
    plant(client, copy_of(others))

    assert loaded(client, user).username == user.username


def test_a_signed_copy_older_than_the_bound_is_ignored(user: User, settings: Settings) -> None:
    client = logged_in(user)
    copy = signing.loads(str(copy_of(client)), salt=SIGNING_SALT)
    copy["user"]["username"] = "an old name"
    copy["copied_at"] = time.time() - settings.SESSION_USER_CACHE_SECONDS - 5
    plant(client, signing.dumps(copy, salt=SIGNING_SALT))

    assert loaded(client, user).username == user.username


def test_each_copy_is_checked_once_per_process(user: User, monkeypatch: pytest.MonkeyPatch) -> None:
    client = logged_in(user)
    checks: list[str] = []
    loads = signing.loads

    def counted_loads(text: str, **kwargs: Any) -> Any:
        if kwargs.get("salt") == SIGNING_SALT:  # not a session's own data (database sessions)
            checks.append(text)
        return loads(text, **kwargs)

    monkeypatch.setattr(signing, "loads", counted_loads)

    for _ in range(3):
        assert user_queries_of_a_request(client) == 0

    assert len(checks) <= 1  # none if an earlier request of this process checked it already


def test_a_checked_copy_still_expires_with_the_bound(
    user: User, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = logged_in(user)
    assert user_queries_of_a_request(client) == 0  # checked and remembered

    later = time.time() + settings.SESSION_USER_CACHE_SECONDS + 5
    monkeypatch.setattr(time, "time", lambda: later)  # the clock the copies are dated by

    assert user_queries_of_a_request(client) == 1


def test_the_copy_is_the_row_and_saves_as_an_update(user: User) -> None:
    copied = loaded(logged_in(user), user)
    row = User.objects.get(pk=user.pk)  # as the login left it (last_login)

    assert [getattr(copied, f.attname) for f in User._meta.concrete_fields] == [
        getattr(row, f.attname) for f in User._meta.concrete_fields
    ]
    copied.first_name = "Renamed"
    copied.save()
    assert User.objects.get(pk=user.pk).first_name == "Renamed"
    assert User.objects.count() == 1


def test_a_bulk_update_is_seen_once_the_copy_is_forgotten(user: User) -> None:
    client = logged_in(user)
    User.objects.filter(pk=user.pk).update(first_name="Bulk")  # no signal: the copy stays
    assert loaded(client, user).first_name == ""

    forget_user_copies(user.pk)

    assert loaded(client, user).first_name == "Bulk"


def test_loading_a_user_outside_a_sessions_request_reads_the_database(user: User) -> None:
    logged_in(user)  # a copy exists, but only a session loading its user may use it
    User.objects.filter(pk=user.pk).update(first_name="Fresh")

    found = SessionUserBackend().get_user(user.pk)

    assert found is not None
    assert found.first_name == "Fresh"


def test_an_unreachable_copy_store_while_saving_a_user_is_logged_not_raised(
    user: User, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    alias = settings.SESSION_CACHE_ALIAS  # where the copies are kept
    nowhere = f"redis://127.0.0.1:{free_port()}/2"
    settings.CACHES = {**settings.CACHES, alias: {**settings.CACHES[alias], "LOCATION": nowhere}}

    with caplog.at_level(logging.WARNING):
        get_user_model().objects.filter(pk=user.pk).get().save()

    assert "Could not drop the copies" in caplog.text


def test_an_anonymous_request_reads_no_user(db: None) -> None:
    with CaptureQueriesContext(connection) as queries:
        assert Client().get(HARNESS_PUBLIC_URL).status_code == 200

    assert user_queries(queries) == []
