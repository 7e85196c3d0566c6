"""A migration's SQL run on the test database, which tests build from the models
(--no-migrations): the tests of row-level security get the policies the migrations create, not
a copy of them."""

from importlib import import_module

from django.apps import apps
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations import RunSQL


def migration_sql(app_label: str, name: str, *, backwards: bool = False) -> list[str]:
    """The SQL of migration `name`'s RunSQL operations, in the order they run."""
    module = import_module(f"{apps.get_app_config(app_label).name}.migrations.{name}")
    statements = []
    operations = module.Migration.operations
    for operation in reversed(operations) if backwards else operations:
        assert isinstance(operation, RunSQL), f"{name} runs more than SQL: {operation!r}"
        sql = operation.reverse_sql if backwards else operation.sql
        if sql is not RunSQL.noop:
            statements.append(str(sql))
    return statements


def migration_sql_run(
    app_label: str, name: str, *, backwards: bool = False, using: str = DEFAULT_DB_ALIAS
) -> None:
    with connections[using].cursor() as cursor:
        for statement in migration_sql(app_label, name, backwards=backwards):
            cursor.execute(statement)
