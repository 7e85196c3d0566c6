"""The claims context's transaction-local settings, against the real Postgres. The role here is
the connection's own user (any database has it); queries as Supabase's `authenticated`, with
`auth.uid()`, are tested where the project has Supabase Auth."""

import contextlib
import json
import uuid
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import (
    DEFAULT_DB_ALIAS,
    close_old_connections,
    connection,
    connections,
    transaction,
)
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test.utils import CaptureQueriesContext

from {{ cookiecutter.project_slug }}.platform.core.claims_context import (
    ServiceRoleRefused,
    claims_context,
)

pytestmark = pytest.mark.django_db

User = get_user_model()


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
def test_a_block_without_queries_does_not_reach_postgres() -> None:
    # A cached read under the context costs no round trip: no connection is opened, so no health
    # check, BEGIN or COMMIT either.
    with CaptureQueriesContext(connection) as queries:  # (which opens the connection)
        connection.close()
        with claims_context(caller_claims()):
            pass

    assert connection.connection is None
    assert queries.captured_queries == []
    assert not connection.in_atomic_block


def kill_backend_of(wrapper: BaseDatabaseWrapper) -> None:
    """End the server process of `wrapper`'s connection, as a database restart would."""
    pid = wrapper.connection.info.backend_pid
    other = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    finally:
        other.close()


@pytest.mark.django_db(transaction=True)
def test_a_dead_connection_is_replaced_at_the_first_query_as_at_a_requests_start() -> None:
    claims_seen()  # the connection is open
    close_old_connections()  # a new request: its connection is checked before its first use
    assert connection.connection is not None
    kill_backend_of(connection)

    with claims_context(caller_claims(), role=own_role()):
        pass  # no query: the dead connection is not even looked at
    claims = caller_claims()
    with claims_context(claims, role=own_role()):
        seen = claims_seen()  # checked first, found dead, replaced: the query runs

    assert seen == claims


@pytest.mark.django_db(transaction=True)
def test_an_atomic_block_opened_before_the_first_query_is_part_of_the_one_transaction() -> None:
    claims = caller_claims()

    with claims_context(claims, role=own_role()):
        with transaction.atomic():
            inner = transaction_id(), claims_seen()
        after = transaction_id(), claims_seen()

    assert inner == after
    assert inner[1] == claims
    assert not connection.in_atomic_block
    assert connection.get_autocommit()


def transaction_id() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT txid_current()")
        row = cursor.fetchone()
    assert row is not None
    return int(row[0])


def create_and_fail(username: str) -> None:
    with claims_context(caller_claims(), role=own_role()):
        User.objects.create(username=username)
        raise ZeroDivisionError


@pytest.mark.django_db(transaction=True)
def test_a_failing_block_rolls_its_writes_back() -> None:
    with pytest.raises(ZeroDivisionError):
        create_and_fail("rolled-back")

    assert not User.objects.filter(username="rolled-back").exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("fails", [False, True])
def test_callbacks_for_the_commit_wait_for_the_blocks_end(fails: bool) -> None:
    ran: list[str] = []

    with contextlib.suppress(ZeroDivisionError), claims_context(caller_claims()):
        transaction.on_commit(lambda: ran.append("committed"))
        assert ran == []
        if fails:
            raise ZeroDivisionError

    assert ran == ([] if fails else ["committed"])


@pytest.mark.django_db(transaction=True)
def test_row_locks_and_durable_blocks_see_the_blocks_transaction() -> None:
    with claims_context(caller_claims(), role=own_role()):
        # A first query that needs a transaction finds one.
        assert User.objects.select_for_update().filter(username="nobody").first() is None
    with (
        pytest.raises(RuntimeError, match="durable"),
        claims_context(caller_claims()),
        transaction.atomic(durable=True),
    ):
        pass


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
