"""Database work under a caller's claims, as Supabase runs it: Postgres row-level security
policies (`auth.uid()`, `auth.jwt()`) then apply to the app's queries, which otherwise run as
the database owner and bypass them.

Like PostgREST, the block runs in one transaction with `request.jwt.claims` and the role set
transaction-locally (`set_config(..., true)` is `SET LOCAL`): nothing survives the transaction,
so a pooled connection (Supavisor or PgBouncer in transaction mode) carries nothing to the next
client. platform/accounts/claims.py runs API views under it.

A block that never queries (a read served from the cache) does not reach Postgres at all: at the
top level the transaction starts at the block's first use of the database (_DeferredAtomic).
Django's own `transaction.atomic()` asks the connection for its state on entry, which costs a
health check (`SELECT 1`, one round trip: a fifth of a cached Bearer read, measured) or, where
connections are not kept (the transaction pooler), a new connection on every request.
"""

import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.transaction import Atomic

SERVICE_ROLE = "service_role"
APPLY = "SELECT set_config('request.jwt.claims', %s, true), set_config('role', %s, true)"
CURRENT = "SELECT current_setting('request.jwt.claims', true), current_setting('role')"
RESTORE = "SELECT set_config('request.jwt.claims', %s, true), set_config('role', %s, true)"


class ServiceRoleRefused(Exception):
    """Claims with role service_role: they bypass row-level security, so they are never run as a
    caller's (Supabase's own helpers refuse them too)."""

    def __init__(self) -> None:
        super().__init__(
            "A service_role token cannot run queries under the caller's claims: it bypasses "
            "row-level security. Use it only in trusted server code, never from a client."
        )


class _LazyClaims:
    """Sets the claims just before the block's first query, so a block served without the
    database (a cached read) sends no SQL at all: psycopg opens the transaction only then too."""

    def __init__(
        self, connection: BaseDatabaseWrapper, claims: str, role: str, *, nested: bool
    ) -> None:
        self.connection = connection
        self.claims = claims
        self.role = role
        # Inside an outer transaction (the block is a savepoint), SET LOCAL outlives the block:
        # keep what to put back.
        self.nested = nested
        self.outer: tuple[str, str] | None = None
        self.applied = False

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if not self.applied:
            self.applied = True
            with self.connection.cursor() as cursor:
                if self.nested:
                    cursor.execute(CURRENT)
                    self.outer = cursor.fetchone()
                cursor.execute(APPLY, [self.claims, self.role])
        return execute(sql, params, many, context)

    def restore(self) -> None:
        if self.outer is not None:
            claims, role = self.outer
            with self.connection.cursor() as cursor:
                cursor.execute(RESTORE, [claims or "", role])


# The connection's methods through which Django reaches the server first, whatever it is about to
# do (a cursor, a savepoint, asking whether it is in a transaction): while a deferred transaction
# waits, each starts it.
FIRST_USES = ("ensure_connection", "close_if_health_check_failed")


class _DeferredAtomic:
    """`transaction.atomic()` for a block outside any transaction, entered at the block's first use
    of the database rather than at its start: nothing is sent for a block that never queries.

    While it waits, the connection is marked as inside an atomic block (as Django's entry marks it,
    without touching the server), so everything in the block nests in it as before: an inner
    `atomic()` becomes a savepoint of the one transaction, `on_commit` callbacks wait for the
    block's end, a durable block is refused. The first use (FIRST_USES) takes the marks off and
    enters the real `atomic()`: Django's health check, reconnection and autocommit switch happen
    then, exactly as they would have at the start.
    """

    def __init__(self, connection: BaseDatabaseWrapper, using: str) -> None:
        self.connection = connection
        self.atomic: Atomic = transaction.atomic(using=using)
        self.waiting = False
        self.started = False

    def __enter__(self) -> None:
        connection = self.connection
        connection.commit_on_exit, connection.needs_rollback = True, False
        connection.in_atomic_block = True
        connection.atomic_blocks.append(self.atomic)
        connection.__dict__.update(dict.fromkeys(FIRST_USES, self._start))
        self.waiting = True

    def _stop_waiting(self) -> None:
        if not self.waiting:
            return
        self.waiting = False
        connection = self.connection
        for name in FIRST_USES:
            connection.__dict__.pop(name, None)
        connection.in_atomic_block = False
        connection.atomic_blocks.remove(self.atomic)

    def _start(self) -> None:
        """The block's first use of the database: start its transaction, keeping what the block
        did meanwhile (callbacks waiting for the commit, a rollback it asked for)."""
        connection = self.connection
        self._stop_waiting()
        waiting_callbacks, rollback = connection.run_on_commit, connection.needs_rollback
        connection.run_on_commit = []
        self.atomic.__enter__()
        self.started = True
        connection.run_on_commit = waiting_callbacks + connection.run_on_commit
        connection.needs_rollback = connection.needs_rollback or rollback

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: Any
    ) -> None:
        if self.started:
            self.atomic.__exit__(kind, error, tb)
            return
        self._stop_waiting()
        connection = self.connection
        if kind is None and not connection.needs_rollback:
            connection.run_and_clear_commit_hooks()  # nothing to commit: as after a commit
        else:
            connection.run_on_commit = []


def refuse_service_role(claims: Mapping[str, Any], role: str | None = None) -> None:
    if claims.get("role") == SERVICE_ROLE or role == SERVICE_ROLE:
        raise ServiceRoleRefused()


@contextmanager
def claims_context(
    claims: Mapping[str, Any], *, role: str | None = None, using: str = DEFAULT_DB_ALIAS
) -> Iterator[None]:
    """Run the block in one transaction as `role` (SUPABASE_RLS_ROLE, `authenticated`), with
    `claims` as `request.jwt.claims`. Raises ServiceRoleRefused for service_role claims."""
    refuse_service_role(claims, role)
    connection = connections[using]
    nested = connection.in_atomic_block
    # The role goes through set_config as a value, never into the SQL text.
    lazy = _LazyClaims(
        connection, json.dumps(dict(claims)), role or settings.SUPABASE_RLS_ROLE, nested=nested
    )
    if not nested:
        with _DeferredAtomic(connection, using), connection.execute_wrapper(lazy):
            yield
        return
    with transaction.atomic(using=using):
        with connection.execute_wrapper(lazy):
            yield
        lazy.restore()
