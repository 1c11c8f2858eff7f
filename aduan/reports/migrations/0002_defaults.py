"""The sanction ladder of Pemkot Malang (warn, warn again, black vest), the settings row,
and on PostgreSQL a full-text index for searching the public feed."""

from django.db import migrations

from aduan.reports import defaults

SEARCH_INDEX = (
    "CREATE INDEX IF NOT EXISTS reports_summary_search ON reports_complaintsummary "
    "USING gin (to_tsvector('simple', public_text)) WHERE listed"
)


def install(apps, schema_editor):
    defaults.install(
        apps.get_model("reports", "SanctionLevel"), apps.get_model("reports", "ReportSettings")
    )


def search_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(SEARCH_INDEX)


def drop_search_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS reports_summary_search")


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial")]

    operations = [
        migrations.RunPython(install, migrations.RunPython.noop),
        migrations.RunPython(search_index, drop_search_index),
    ]
