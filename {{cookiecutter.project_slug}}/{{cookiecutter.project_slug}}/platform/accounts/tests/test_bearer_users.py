"""A Bearer token's user comes from a signed copy kept under the token's subject (user_copies.py,
services.user_sync_from_supabase): a cached read sends no SQL, and what the claims or a saved user
change still shows on the next request. A token this process verified is not verified again while
its key holds (supabase_tokens.py)."""

import logging
import time
from typing import Any

import jwt
import pytest
from django.conf import settings
from django.core import signing
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pytest_django.fixtures import Settings
from pytest_httpserver import HTTPServer
from rest_framework.test import APIClient

from {{ cookiecutter.project_slug }}.platform.accounts import supabase_tokens
from {{ cookiecutter.project_slug }}.platform.accounts.models import User
from {{ cookiecutter.project_slug }}.platform.accounts.services import token_holder
from {{ cookiecutter.project_slug }}.platform.accounts.user_copies import (
    SIGNING_SALT,
    forget_user_copies,
    user_copy_key,
)
from {{ cookiecutter.project_slug }}.testing.harness_app.urls import HARNESS_URL
from {{ cookiecutter.project_slug }}.testing.redis_servers import OwnRedis
from {{ cookiecutter.project_slug }}.testing.supabase_auth_fixtures import (
    assert_rejected,
    call_me,
    claims,
    sign,
)

pytestmark = pytest.mark.django_db

STAFF = {"roles": ["staff"]}


@pytest.fixture
def auth_server(supabase: HTTPServer) -> HTTPServer:
    """Supabase Auth's JWKS endpoint (test_supabase_auth.py)."""
    return supabase


def read_harness(token: str) -> Any:
    return APIClient().get(HARNESS_URL, HTTP_AUTHORIZATION=f"Bearer {token}")


def signed_in(server: HTTPServer, **overrides: Any) -> tuple[str, User]:
    """A token whose first request created (and copied) its user, and cached its harness page."""
    payload = claims(server, **overrides)
    token = sign(payload)
    assert call_me(token).status_code == 200
    read_harness(token)
    return token, User.objects.get(supabase_id=payload["sub"])


def queries_of_a_read(token: str) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert read_harness(token).status_code == 200
    return [query["sql"] for query in queries.captured_queries]


def copy_key(user: User) -> str:
    return user_copy_key(token_holder(str(user.supabase_id)))


def copy_of(user: User) -> Any:
    return caches[settings.SESSION_CACHE_ALIAS].get(copy_key(user))


def plant(user: User, value: object) -> None:
    caches[settings.SESSION_CACHE_ALIAS].set(copy_key(user), value)


def test_a_cached_bearer_read_sends_no_sql(auth_server: HTTPServer) -> None:
    token, _ = signed_in(auth_server)

    assert queries_of_a_read(token) == []


def test_with_the_copy_turned_off_every_bearer_request_reads_the_user(
    auth_server: HTTPServer, settings: Settings
) -> None:
    settings.SESSION_USER_CACHE_SECONDS = 0
    token, user = signed_in(auth_server)

    assert len(queries_of_a_read(token)) == 1
    assert copy_of(user) is None


def test_a_user_deactivated_and_saved_is_refused_on_the_next_request(
    auth_server: HTTPServer,
) -> None:
    token, user = signed_in(auth_server)

    user.is_active = False
    user.save()

    assert_rejected(read_harness(token), "user_inactive")


def test_a_bulk_deactivation_is_refused_once_the_copies_are_forgotten(
    auth_server: HTTPServer,
) -> None:
    token, user = signed_in(auth_server)
    User.objects.filter(pk=user.pk).update(is_active=False)  # no signal: within the bound
    assert read_harness(token).status_code == 200

    forget_user_copies(user.pk)

    assert_rejected(read_harness(token), "user_inactive")


def test_a_role_granted_in_the_tokens_app_metadata_shows_on_its_first_request(
    auth_server: HTTPServer,
) -> None:
    _, user = signed_in(auth_server)
    granted = sign(claims(auth_server, sub=str(user.supabase_id), app_metadata=STAFF))

    body = call_me(granted).json()

    user.refresh_from_db()
    assert (body["roles"], user.is_staff) == (["staff"], True)
    assert copy_of(user) is not None  # copied again, as it now is
    assert queries_of_a_read(granted) == []


def test_a_role_withdrawn_in_the_token_revokes_staff_on_its_first_request(
    auth_server: HTTPServer,
) -> None:
    _, user = signed_in(auth_server, app_metadata=STAFF)
    withdrawn = sign(claims(auth_server, sub=str(user.supabase_id)))

    assert call_me(withdrawn).json()["roles"] == []

    user.refresh_from_db()
    assert not user.is_staff


def test_a_changed_email_in_the_token_is_stored(auth_server: HTTPServer) -> None:
    _, user = signed_in(auth_server)

    call_me(sign(claims(auth_server, sub=str(user.supabase_id), email="new@example.com")))

    user.refresh_from_db()
    assert user.email == "new@example.com"


def test_a_deleted_local_user_is_created_again_by_the_next_request(auth_server: HTTPServer) -> None:
    token, user = signed_in(auth_server)
    first_id = user.pk

    user.delete()

    assert copy_of(user) is None
    assert call_me(token).json()["id"] != first_id
    assert User.objects.filter(supabase_id=user.supabase_id).count() == 1


def test_a_copy_without_our_signature_is_refused_and_the_user_read(auth_server: HTTPServer) -> None:
    token, user = signed_in(auth_server)
    forged = signing.loads(copy_of(user), salt=SIGNING_SALT)
    forged["user"]["is_superuser"] = True
    plant(user, signing.dumps(forged, key="not the secret key"))

    assert len(queries_of_a_read(token)) == 1  # the row, then copied again
    assert signing.loads(copy_of(user), salt=SIGNING_SALT)["user"]["is_superuser"] is False


def test_another_users_signed_copy_under_this_tokens_key_is_refused(
    auth_server: HTTPServer,
) -> None:
    token, user = signed_in(auth_server)
    _, other = signed_in(auth_server)
    other.is_active = False
    other.save()
    call_me(sign(claims(auth_server, sub=str(other.supabase_id))))  # refused, but copied
    plant(user, copy_of(other))

    assert read_harness(token).status_code == 200  # not the other user's (inactive) row


def test_a_signed_copy_without_the_tokens_subject_is_refused(auth_server: HTTPServer) -> None:
    token, user = signed_in(auth_server)
    signed = signing.loads(copy_of(user), salt=SIGNING_SALT)
    signed["user"]["supabase_id"] = None  # the same user's row, without the subject it names
    plant(user, signing.dumps(signed, salt=SIGNING_SALT))

    assert len(queries_of_a_read(token)) == 1


def test_with_the_copies_redis_down_bearer_requests_read_postgres(
    auth_server: HTTPServer,
    settings: Settings,
    own_redis: OwnRedis,
    caplog: pytest.LogCaptureFixture,
) -> None:
    alias = settings.SESSION_CACHE_ALIAS  # where the copies are kept
    copies = {**settings.CACHES[alias], "LOCATION": own_redis.url(db=2)}
    token, user = signed_in(auth_server)
    settings.CACHES = {**settings.CACHES, alias: copies}
    own_redis.stop()

    with caplog.at_level(logging.WARNING):
        assert call_me(token).json()["id"] == user.pk
        user.is_active = False
        user.save()
        assert_rejected(call_me(token), "user_inactive")

    assert "Could not read the user copy" in caplog.text


# Verified tokens: a token this process verified skips the signature check while its key holds.


@pytest.fixture
def decodes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The tokens whose signature and claims are checked (PyJWT's decode) from now on."""
    checked: list[str] = []
    decode = jwt.decode

    def counted_decode(token: str, *args: Any, **kwargs: Any) -> Any:
        checked.append(token)
        return decode(token, *args, **kwargs)

    monkeypatch.setattr(jwt, "decode", counted_decode)
    return checked


def test_a_token_verified_once_is_not_verified_again(
    auth_server: HTTPServer, decodes: list[str]
) -> None:
    token, _ = signed_in(auth_server)

    for _ in range(3):
        assert read_harness(token).status_code == 200

    assert decodes == [token]


def test_a_known_token_whose_key_is_gone_is_refused_at_once(
    auth_server: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    token, _ = signed_in(auth_server)
    monkeypatch.setattr(supabase_tokens, "jwks_key", lambda kid: None)  # revoked, caches dropped

    assert_rejected(read_harness(token), "token_key_unknown")


def test_a_known_token_is_refused_once_it_expires(
    auth_server: HTTPServer, settings: Settings
) -> None:
    settings.SUPABASE_JWT_LEEWAY = 0
    # Whole seconds: a token meant to live 1 s could have a few milliseconds left, which a loaded
    # machine's first request outlasts.
    expires = int(time.time()) + 3
    token = sign(claims(auth_server, exp=expires))
    assert read_harness(token).status_code == 200

    time.sleep(expires - time.time() + 0.5)  # PyJWT reads the clock of its own

    assert_rejected(read_harness(token), "token_expired")


def test_a_known_token_is_verified_again_after_the_bound(
    auth_server: HTTPServer, decodes: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    token, _ = signed_in(auth_server)
    later = time.time() + supabase_tokens.VERIFIED_TOKEN_SECONDS + 1
    monkeypatch.setattr(time, "time", lambda: later)

    assert read_harness(token).status_code == 200

    assert decodes == [token, token]


def test_forgetting_the_verified_tokens_verifies_them_again(
    auth_server: HTTPServer, decodes: list[str]
) -> None:
    token, _ = signed_in(auth_server)

    supabase_tokens.verified_tokens_forget()
    assert read_harness(token).status_code == 200

    assert decodes == [token, token]
