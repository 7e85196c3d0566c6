"""Row-level security on the note totals, as on the notes (0003): under the caller's claims a
summary is seen only by its owner. The worker computes them as the database owner, whom the
policy does not bind.
"""

from importlib import import_module

from django.db import migrations

# The notes' policy, for another table: one definition of "the caller owns the row".
owner_only = import_module(f"{__package__}.0003_note_row_level_security").owner_only


class Migration(migrations.Migration):
    dependencies = [("notes", "0003_note_row_level_security")]

    operations = [owner_only("notes_notesummary")]
