"""Row-level security on the note totals, as on the notes (0003): under the caller's claims a
summary is seen only by its owner. The worker computes them as the database owner, whom the
policy does not bind.
"""

from importlib import import_module

from django.db import migrations

# The owner test of the notes' policy: one definition of "the caller owns the row".
CALLER_OWNS_THE_ROW = import_module(
    f"{__package__}.0003_note_row_level_security"
).CALLER_OWNS_THE_NOTE

ROW_LEVEL_SECURITY = f"""
ALTER TABLE notes_notesummary ENABLE ROW LEVEL SECURITY;
CREATE POLICY notes_notesummary_owner ON notes_notesummary FOR ALL TO authenticated
    USING ({CALLER_OWNS_THE_ROW}) WITH CHECK ({CALLER_OWNS_THE_ROW});
"""

NO_ROW_LEVEL_SECURITY = """
DROP POLICY IF EXISTS notes_notesummary_owner ON notes_notesummary;
ALTER TABLE notes_notesummary DISABLE ROW LEVEL SECURITY;
"""


class Migration(migrations.Migration):
    dependencies = [("notes", "0003_note_row_level_security")]

    operations = [migrations.RunSQL(ROW_LEVEL_SECURITY, NO_ROW_LEVEL_SECURITY)]
