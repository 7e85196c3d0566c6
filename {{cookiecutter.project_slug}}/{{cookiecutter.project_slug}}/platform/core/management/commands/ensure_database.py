from typing import Any

from django.core.management.base import BaseCommand
from django.db import connection


class Command(BaseCommand):
    help = (
        "Create the database DATABASE_URL names if it does not exist yet (`make migrate` runs it "
        "first, so a fresh local Postgres works). Docker's and Supabase's databases already exist."
    )
    requires_system_checks: list[str] = []

    def handle(self, *args: Any, **options: Any) -> None:
        name = connection.settings_dict["NAME"]
        # Django's own test-database creation connects like this: to the server's maintenance
        # database, with the same credentials, since `name` may not exist yet.
        with connection._nodb_cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone():
                self.stdout.write(f"Database {name!r} exists.")
                return
            cursor.execute(f"CREATE DATABASE {connection.ops.quote_name(name)}")
        self.stdout.write(self.style.SUCCESS(f"Created database {name!r}."))
