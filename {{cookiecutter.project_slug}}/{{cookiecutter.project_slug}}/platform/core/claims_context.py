"""Database work under a caller's claims, as Supabase runs it: Postgres row-level security
policies (`auth.uid()`, `auth.jwt()`) then apply to the app's queries, which otherwise run as
the database owner and bypass them.

Like PostgREST, the block runs in one transaction with `request.jwt.claims` and the role set
transaction-locally (`set_config(..., true)` is `SET LOCAL`): nothing survives the transaction,
so a pooled connection (Supavisor or PgBouncer in transaction mode) carries nothing to the next
client. platform/accounts/claims.py runs API views under it.
"""

import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

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
    # The role goes through set_config as a value, never into the SQL text.
    lazy = _LazyClaims(
        connection,
        json.dumps(dict(claims)),
        role or settings.SUPABASE_RLS_ROLE,
        nested=connection.in_atomic_block,
    )
    with transaction.atomic(using=using):
        with connection.execute_wrapper(lazy):
            yield
        lazy.restore()
