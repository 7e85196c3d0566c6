"""The migration that gives a plain Postgres what Supabase's has (roles, `auth.uid()`,
`auth.jwt()`), run on fresh databases of the test server: one without them, one where they
exist already (as on Supabase), and several databases migrating at once."""

import json
import threading
import uuid
from collections.abc import Iterator
from importlib import import_module
from typing import Any

import psycopg
import pytest
from django.db import connection

from {{ cookiecutter.project_slug }}.testing.migration_sql import migration_sql
from {{ cookiecutter.project_slug }}.testing.supabase_database_fixtures import (
    SUPABASE_DATABASE_MIGRATION,
)

pytestmark = pytest.mark.django_db

supabase_database = import_module(
    f"{str(__package__).rpartition('.')[0]}.migrations.0001_supabase_database"
)
SUPABASE_UID = "00000000-0000-0000-0000-00000000cafe"


def connect(dbname: str) -> psycopg.Connection[Any]:
    db = connection.settings_dict
    return psycopg.connect(
        host=db["HOST"],
        port=db["PORT"] or 5432,
        user=db["USER"],
        password=db["PASSWORD"] or None,
        dbname=dbname,
        autocommit=True,
    )


@pytest.fixture
def fresh_database() -> Iterator[str]:
    name = f"supabase_db_{uuid.uuid4().hex[:12]}"
    with connect("postgres") as server:
        server.execute(f'CREATE DATABASE "{name}"')
    yield name
    with connect("postgres") as server:
        server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def migrate(database: str) -> None:
    with connect(database) as db:
        for statement in migration_sql(*SUPABASE_DATABASE_MIGRATION):
            db.execute(statement.encode())


def uid_under(database: str, claims: str) -> Any:
    with connect(database) as db, db.transaction():
        db.execute("SELECT set_config('request.jwt.claims', %s, true)", [claims])
        row = db.execute("SELECT auth.uid(), auth.jwt() ->> 'sub'").fetchone()
    return row


def test_a_database_without_them_gets_the_roles_and_the_auth_functions(
    fresh_database: str,
) -> None:
    subject = str(uuid.uuid4())

    migrate(fresh_database)

    uid, sub = uid_under(fresh_database, json.dumps({"sub": subject}))
    with connect(fresh_database) as db:
        roles = db.execute(
            "SELECT rolname FROM pg_roles WHERE rolname IN "
            "('anon', 'authenticated', 'service_role') AND NOT rolcanlogin ORDER BY 1"
        ).fetchall()
    assert (str(uid), sub) == (subject, subject)
    assert [role for (role,) in roles] == ["anon", "authenticated", "service_role"]


def test_a_database_that_has_them_keeps_its_own(fresh_database: str) -> None:
    with connect(fresh_database) as db:  # as on Supabase: auth.uid() is already there
        db.execute("CREATE SCHEMA auth")
        db.execute(
            "CREATE FUNCTION auth.uid() RETURNS uuid LANGUAGE sql "
            f"AS $$ SELECT '{SUPABASE_UID}'::uuid $$"
        )

    migrate(fresh_database)
    migrate(fresh_database)  # and a second run changes nothing either

    uid, _ = uid_under(fresh_database, '{"sub": "not the one the function returns"}')
    assert str(uid) == SUPABASE_UID


def test_databases_migrating_at_once_create_each_role_once() -> None:
    role = f"rls_race_{uuid.uuid4().hex[:8]}"
    create = supabase_database.role_create_sql(role)
    start = threading.Barrier(4)
    errors: list[BaseException] = []

    def run() -> None:
        with connect(connection.settings_dict["NAME"]) as db:
            start.wait()
            try:
                db.execute(create.encode())
            except psycopg.Error as error:
                errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(4)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        with connect("postgres") as server:
            found = server.execute("SELECT count(*) FROM pg_roles WHERE rolname = %s", [role])
            count = found.fetchone()
    finally:
        with connect("postgres") as server:
            server.execute(f'DROP ROLE IF EXISTS "{role}"')

    assert errors == []
    assert count == (1,)
