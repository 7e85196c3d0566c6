"""The test database made like a Supabase one (the harness plugin loads this): the roles and
`auth` functions of platform/integrations/supabase/migrations/0001_supabase_database.py."""

import pytest
from django.db import connection
from pytest_django import DjangoDbBlocker

from {{ cookiecutter.project_slug }}.testing.migration_sql import migration_sql_run

SUPABASE_DATABASE_MIGRATION = ("supabase_integration", "0001_supabase_database")


# Every test's: views query as `authenticated` under the caller's claims (claims_context), which
# needs the grants the migration gives; the suite builds its database without migrations, and
# live servers (the contract's) serve from it too.
@pytest.fixture(scope="session", autouse=True)
def supabase_database(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> None:
    """Committed once per test database, outside the tests' transactions: the roles are the
    whole server's, and another test database's run may be creating them too."""
    # pytest-django makes a test database only when a collected test uses one; otherwise the
    # connection still names the project's own database, which a test run must not touch.
    if not connection.settings_dict["NAME"].startswith("test_"):
        return
    with django_db_blocker.unblock():
        migration_sql_run(*SUPABASE_DATABASE_MIGRATION)
