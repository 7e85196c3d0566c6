"""The claims context's transaction-local settings, against the real Postgres. The role here is
the connection's own user (any database has it); queries as Supabase's `authenticated`, with
`auth.uid()`, are tested where the project has Supabase Auth."""

import json
import uuid
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from psycopg.pq import TransactionStatus

from {{ cookiecutter.project_slug }}.platform.core.claims_context import (
    ServiceRoleRefused,
    claims_context,
)

pytestmark = pytest.mark.django_db


def own_role() -> str:
    return str(connection.settings_dict["USER"])


def claims_seen() -> Any:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('request.jwt.claims', true)")
        row = cursor.fetchone()
    assert row is not None
    return json.loads(row[0]) if row[0] else None


def caller_claims(**overrides: Any) -> dict[str, Any]:
    return {"sub": str(uuid.uuid4()), "role": "authenticated"} | overrides


def test_the_claims_are_set_inside_the_context_and_gone_after_it() -> None:
    claims = caller_claims()

    with claims_context(claims, role=own_role()):
        inside = claims_seen()

    assert inside == claims
    assert claims_seen() is None


def test_a_nested_context_gives_the_outer_claims_back() -> None:
    outer, inner = caller_claims(), caller_claims()

    with claims_context(outer, role=own_role()):
        with claims_context(inner, role=own_role()):
            seen_inside = claims_seen()
        seen_after = claims_seen()

    assert (seen_inside, seen_after) == (inner, outer)


def fail_under_claims() -> None:
    with claims_context(caller_claims(), role=own_role()):
        claims_seen()
        raise ZeroDivisionError


def test_a_failing_block_leaves_no_claims() -> None:
    with pytest.raises(ZeroDivisionError):
        fail_under_claims()

    assert claims_seen() is None


@pytest.mark.parametrize("where", ["claims", "role"])
def test_the_service_role_is_refused_before_any_query(where: str) -> None:
    claims = caller_claims(role="service_role") if where == "claims" else caller_claims()
    role = "service_role" if where == "role" else own_role()

    with (
        CaptureQueriesContext(connection) as queries,
        pytest.raises(ServiceRoleRefused, match="bypasses row-level security"),
        claims_context(claims, role=role),
    ):
        claims_seen()

    assert len(queries) == 0


@pytest.mark.django_db(transaction=True)  # at the top level, as in a request: no savepoint
def test_a_block_without_queries_sends_no_sql() -> None:
    # A cached read under the context costs no round trip to Postgres: Django logs BEGIN and
    # COMMIT, but psycopg sends neither for a transaction without a statement.
    with CaptureQueriesContext(connection) as queries, claims_context(caller_claims()):
        status = connection.connection.info.transaction_status

    assert status == TransactionStatus.IDLE
    assert [query["sql"] for query in queries] == ["BEGIN", "COMMIT"]


@pytest.mark.django_db(transaction=True)
def test_at_the_top_level_the_context_adds_one_statement_to_the_transaction() -> None:
    # Nothing to put back afterwards: the transaction's end drops the claims and the role.
    with (
        CaptureQueriesContext(connection) as queries,
        claims_context(caller_claims(), role=own_role()),
    ):
        claims_seen()

    statements = [query["sql"] for query in queries]
    assert len(statements) == 4, statements
    assert (statements[0], statements[-1]) == ("BEGIN", "COMMIT")
    assert "set_config('request.jwt.claims'" in statements[1]
