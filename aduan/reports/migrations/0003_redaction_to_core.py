"""Redactions now belong to the core (``core.Redaction``, same table)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("reports", "0002_defaults"),
        ("core", "0004_disclosure"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Redaction")],
            database_operations=[],
        ),
    ]
