"""The database settings for Supabase's pool modes, against the real Postgres."""

import runpy
import uuid
from typing import Any

import psycopg
import pytest
from django.db import connection
from pytest_django.fixtures import Settings

from {{ cookiecutter.project_slug }}.platform.accounts.models import User
from {{ cookiecutter.project_slug }}.platform.accounts.tests.factories import UserFactory
from {{ cookiecutter.project_slug }}.platform.core.checks import (
    check_database_pool_mode,
    transaction_pooler_messages,
)
from {{ cookiecutter.project_slug }}.testing.pgbouncer import OwnPgBouncer
from {{ cookiecutter.project_slug }}.testing.project import PROJECT_DIR, run_project

pytestmark = pytest.mark.django_db


def open_cursors_while_iterating() -> tuple[list[int], int]:
    """Ids read with .iterator(), and how many server-side cursors were open meanwhile."""
    ids, open_cursors = [], 0
    for user in User.objects.order_by("id").iterator(chunk_size=2):
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_cursors")
            open_cursors = max(open_cursors, cursor.fetchone()[0])
        ids.append(user.pk)
    return ids, open_cursors


def test_iterator_streams_with_a_server_side_cursor_by_default() -> None:
    users = UserFactory.create_batch(5)

    ids, open_cursors = open_cursors_while_iterating()

    assert ids == [user.pk for user in users]
    assert open_cursors >= 1


def test_iterator_works_without_server_side_cursors_in_transaction_mode(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # What SUPABASE_DB_POOL_MODE=transaction sets: a transaction pooler (port 6543) may run the
    # next statement on another server connection, where a named cursor would not exist.
    monkeypatch.setitem(connection.settings_dict, "DISABLE_SERVER_SIDE_CURSORS", True)
    users = UserFactory.create_batch(5)

    ids, open_cursors = open_cursors_while_iterating()

    assert ids == [user.pk for user in users]
    assert open_cursors == 0


@pytest.mark.system
def test_transaction_mode_settings_turn_off_cursors_and_persistent_connections() -> None:
    code = (
        "from django.conf import settings; db = settings.DATABASES['default']; "
        "from {{ cookiecutter.project_slug }}.platform.core.checks import "
        "check_transaction_pooler_settings as check; "
        "print(db['DISABLE_SERVER_SIDE_CURSORS'], db['CONN_MAX_AGE'], "
        "db['OPTIONS']['prepare_threshold'], len(check(None)))"
    )

    result = run_project(code, SUPABASE_DB_POOL_MODE="transaction")

    assert result.stdout.split() == ["True", "0", "None", "0"], result.stderr


def test_an_unknown_pool_mode_is_e006(settings: Settings) -> None:
    settings.SUPABASE_DB_POOL_MODE = "pgbouncer"

    errors = check_database_pool_mode(None)

    assert [error.id for error in errors] == ["{{ cookiecutter.project_slug }}.E006"]


TRANSACTION_MODE_DATABASE = {
    "PORT": "6543",
    "CONN_MAX_AGE": 0,
    "DISABLE_SERVER_SIDE_CURSORS": True,
    "OPTIONS": {"prepare_threshold": None},
}


@pytest.mark.parametrize(
    "change",
    [
        {"DISABLE_SERVER_SIDE_CURSORS": False},
        {"OPTIONS": {}},  # psycopg's default: prepare a statement after 5 runs
        {"CONN_MAX_AGE": 60},
    ],
)
def test_transaction_mode_with_a_session_bound_setting_is_e047(change: dict[str, Any]) -> None:
    errors = transaction_pooler_messages("transaction", {**TRANSACTION_MODE_DATABASE, **change})

    assert [error.id for error in errors] == ["{{ cookiecutter.project_slug }}.E047"]


def test_the_transaction_pooler_port_without_transaction_mode_is_w048() -> None:
    session_settings = {**TRANSACTION_MODE_DATABASE, "DISABLE_SERVER_SIDE_CURSORS": False}

    warnings = transaction_pooler_messages("direct", session_settings)

    assert [warning.id for warning in warnings] == ["{{ cookiecutter.project_slug }}.W048"]


def run_alternately(pooler: OwnPgBouncer, **options: Any) -> list[str]:
    """Two clients of `pooler` running one query 10 times each, taking turns; the errors."""
    errors = []
    with pooler.clients(2, autocommit=True, **options) as clients:
        for turn in range(20):
            try:
                clients[turn % 2].execute("SELECT %s::int", [turn])
            except psycopg.Error as error:
                errors.append(str(error))
    return errors


@pytest.mark.system
def test_prepared_statements_fail_behind_the_transaction_pooler_unless_off(
    pgbouncer: OwnPgBouncer,
) -> None:
    # A statement psycopg prepared on one server connection is run on another, or its name is
    # taken by another client's: what SUPABASE_DB_POOL_MODE=transaction avoids.
    assert run_alternately(pgbouncer) != []
    assert run_alternately(pgbouncer, prepare_threshold=None) == []


def gunicorn_env(config: str) -> dict[str, str]:
    """The environment a gunicorn config file (config/<config>) gives its workers (`raw_env`)."""
    loaded = runpy.run_path(str(PROJECT_DIR / "config" / config))
    return dict(entry.split("=", 1) for entry in loaded.get("raw_env", []))


def database_settings_loaded_by(application: str, env: dict[str, str]) -> list[str]:
    """Whether `application` (config.asgi or config.wsgi) queries the test database, its pool's
    max size (or None) and CONN_MAX_AGE, loaded in a fresh process with `env` added."""
    code = (
        f"import {application}; from django.db import connection; "
        "from {{ cookiecutter.project_slug }}.platform.accounts.models import User; "
        "print(User.objects.count() >= 0, getattr(connection.pool, 'max_size', None), "
        "connection.settings_dict['CONN_MAX_AGE'])"
    )
    # DATABASE_POOL comes from `env` (the server command's choice) or not at all.
    loaded = run_project(code, **{"DATABASE_POOL": None, **env, "DATABASE_POOL_MAX_SIZE": "3"})
    assert loaded.returncode == 0, loaded.stderr
    return loaded.stdout.split()


@pytest.mark.system
def test_the_wsgi_web_server_keeps_one_persistent_connection_per_worker() -> None:
    # Sync workers serve one request at a time: a persistent connection is reused by the next.
    settings_loaded = database_settings_loaded_by("config.wsgi", gunicorn_env("gunicorn.py"))

    assert settings_loaded == ["True", "None", "60"]


@pytest.mark.system
def test_loading_the_asgi_application_changes_no_environment_variable() -> None:
    # The pool is the server command's choice (DATABASE_POOL=True), not a side effect of
    # importing the application: the environment a process hands on stays its own.
    code = (
        "import os; before = dict(os.environ); import config.asgi; "
        "from django.db import connection; "
        "print(dict(os.environ) == before, 'pool' in connection.settings_dict['OPTIONS'])"
    )
    result = run_project(code, DATABASE_POOL=None)
    assert result.returncode == 0, result.stderr

    assert result.stdout.split() == ["True", "False"]


@pytest.mark.django_db(transaction=True)  # DROP DATABASE cannot run inside a transaction
@pytest.mark.system
def test_ensure_database_creates_a_missing_database_once() -> None:
    name = f"ensure_{uuid.uuid4().hex[:12]}"
    db = connection.settings_dict
    url = f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{name}"
    ensure = "from django.core.management import call_command; call_command('ensure_database')"
    try:
        first = run_project(ensure, DATABASE_URL=url)
        second = run_project(ensure, DATABASE_URL=url)
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_database WHERE datname = %s", [name])
            exists = cursor.fetchone()[0]
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {connection.ops.quote_name(name)}")

    assert f"Created database {name!r}." in first.stdout, first.stderr
    assert f"Database {name!r} exists." in second.stdout, second.stderr
    assert exists == 1
