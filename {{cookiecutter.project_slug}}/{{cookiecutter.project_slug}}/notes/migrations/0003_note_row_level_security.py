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

CALLER_OWNS_THE_NOTE = (
    "owner_id = (SELECT id FROM accounts_user WHERE supabase_id = (SELECT auth.uid()))"
)

ROW_LEVEL_SECURITY = f"""
ALTER TABLE notes_note ENABLE ROW LEVEL SECURITY;
CREATE POLICY notes_note_owner ON notes_note FOR ALL TO authenticated
    USING ({CALLER_OWNS_THE_NOTE}) WITH CHECK ({CALLER_OWNS_THE_NOTE});
"""

NO_ROW_LEVEL_SECURITY = """
DROP POLICY IF EXISTS notes_note_owner ON notes_note;
ALTER TABLE notes_note DISABLE ROW LEVEL SECURITY;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_user_supabase"),
        ("notes", PREVIOUS),
        ("supabase_integration", "0001_supabase_database"),
    ]

    operations = [migrations.RunSQL(ROW_LEVEL_SECURITY, NO_ROW_LEVEL_SECURITY)]
