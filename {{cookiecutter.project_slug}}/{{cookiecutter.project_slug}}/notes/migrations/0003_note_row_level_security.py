"""Row-level security on notes: a caller's queries (run under its claims, platform/core/
claims_context.py) see and write only notes whose owner has the caller's Supabase id, whatever
the query's own filter says. Without claims (the database owner: admin, workers, migrations) the
policies do not apply.
"""

from pathlib import Path

from django.db import migrations

# The note summaries' migration exists only in projects with a worker; this one follows the
# newest of the app's migrations either way.
PREVIOUS = (
    "0002_notesummary"
    if (Path(__file__).parent / "0002_notesummary.py").exists()
    else "0001_initial"
)

CALLER_OWNS_THE_ROW = (
    "owner_id = (SELECT id FROM accounts_user WHERE supabase_id = (SELECT auth.uid()))"
)


def owner_only(table: str) -> migrations.RunSQL:
    """Row-level security on `table` (with an owner_id column) and its one policy for
    `authenticated`: a row is seen and written by its owner alone; reversible."""
    return migrations.RunSQL(
        f"""
ALTER TABLE {table} ENABLE ROW LEVEL SECURITY;
CREATE POLICY {table}_owner ON {table} FOR ALL TO authenticated
    USING ({CALLER_OWNS_THE_ROW}) WITH CHECK ({CALLER_OWNS_THE_ROW});
""",
        f"""
DROP POLICY IF EXISTS {table}_owner ON {table};
ALTER TABLE {table} DISABLE ROW LEVEL SECURITY;
""",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_user_supabase"),
        ("notes", PREVIOUS),
        ("supabase_integration", "0001_supabase_database"),
    ]

    operations = [owner_only("notes_note")]
