"""Queries under a caller's claims (platform/core/claims_context.py) as Supabase's roles, with
`auth.uid()` and `auth.jwt()`, against the real Postgres made like Supabase's by the project's
migration (the context's own behaviour: platform/core/tests/test_claims_context.py)."""

import uuid
from typing import Any

import pytest
from django.db import connection
from pytest_django.fixtures import Settings

from {{ cookiecutter.project_slug }}.platform.core.claims_context import claims_context

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("supabase_database")]

SEEN = (
    "SELECT current_user, auth.uid(), auth.jwt() ->> 'email', "
    "current_setting('request.jwt.claims', true)"
)


def seen_by_the_database() -> tuple[Any, ...]:
    with connection.cursor() as cursor:
        cursor.execute(SEEN)
        row = cursor.fetchone()
    assert row is not None
    return tuple(row)


def caller_claims(**overrides: Any) -> dict[str, Any]:
    return {"sub": str(uuid.uuid4()), "role": "authenticated", "email": "ada@example.com"} | (
        overrides
    )


def test_queries_in_the_context_run_as_authenticated_with_the_claims() -> None:
    claims = caller_claims()

    with claims_context(claims):
        role, uid, email, _ = seen_by_the_database()

    assert (role, str(uid), email) == ("authenticated", claims["sub"], "ada@example.com")


def test_nothing_of_the_context_is_left_after_it() -> None:
    before = seen_by_the_database()

    with claims_context(caller_claims()):
        seen_by_the_database()

    role, uid, email, claims = seen_by_the_database()
    assert role == before[0] != "authenticated"
    assert (uid, email, claims or None) == (None, None, None)


def test_the_role_comes_from_the_setting(settings: Settings) -> None:
    settings.SUPABASE_RLS_ROLE = "anon"

    with claims_context(caller_claims()):
        role = seen_by_the_database()[0]

    assert role == "anon"
