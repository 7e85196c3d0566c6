"""Queries under a caller's claims (platform/core/claims_context.py), against the real Postgres
made like Supabase's by the project's migration."""

import uuid
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from psycopg.pq import TransactionStatus
from pytest_django.fixtures import Settings

from {{ cookiecutter.project_slug }}.platform.core.claims_context import (
    ServiceRoleRefused,
    claims_context,
)

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


def fail_under_claims() -> None:
    with claims_context(caller_claims()):
        seen_by_the_database()
        raise ZeroDivisionError


def test_a_failing_block_leaves_nothing_either() -> None:
    before = seen_by_the_database()

    with pytest.raises(ZeroDivisionError):
        fail_under_claims()

    role, uid, _, claims = seen_by_the_database()
    assert (role, uid, claims or None) == (before[0], None, None)


def test_a_nested_context_gives_the_outer_claims_back() -> None:
    outer, inner = caller_claims(), caller_claims()

    with claims_context(outer):
        with claims_context(inner):
            inner_uid = seen_by_the_database()[1]
        outer_uid = seen_by_the_database()[1]

    assert (str(inner_uid), str(outer_uid)) == (inner["sub"], outer["sub"])


def test_the_role_comes_from_the_setting(settings: Settings) -> None:
    settings.SUPABASE_RLS_ROLE = "anon"

    with claims_context(caller_claims()):
        role = seen_by_the_database()[0]

    assert role == "anon"


def test_service_role_claims_are_refused_before_any_query() -> None:
    with (
        CaptureQueriesContext(connection) as queries,
        pytest.raises(ServiceRoleRefused, match="bypasses row-level security"),
        claims_context(caller_claims(role="service_role")),
    ):
        seen_by_the_database()

    assert len(queries) == 0


@pytest.mark.django_db(transaction=True)  # at the top level, as in a request: no savepoint
def test_a_block_without_queries_sends_no_sql() -> None:
    # A cached read under the context costs no round trip to Postgres: Django logs BEGIN and
    # COMMIT, but psycopg sends neither for a transaction without a statement.
    with CaptureQueriesContext(connection) as queries, claims_context(caller_claims()):
        status = connection.connection.info.transaction_status

    assert status == TransactionStatus.IDLE
    assert [query["sql"] for query in queries] == ["BEGIN", "COMMIT"]
