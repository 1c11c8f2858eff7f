"""Staff full-text search on PostgreSQL: a GIN index over code, text and address.

``aduan_unaccent(text)`` is an immutable wrapper (an index expression must be immutable)
around the ``unaccent`` extension when the server has it and the migration may create
it; otherwise it returns its argument unchanged. Nothing on SQLite, whose staff search
stays a substring match. On a large existing table the index build takes a while (it
locks writes to complaints meanwhile): run this migration in a maintenance window, or
create the index by hand first with ``CREATE INDEX CONCURRENTLY`` under the same name.
"""

from django.db import migrations

# The expression of ``core.models.SEARCH_DOCUMENT_SQL`` as of this migration.
INDEX = (
    "CREATE INDEX IF NOT EXISTS complaint_fts ON core_complaint USING gin (("
    "to_tsvector('simple'::regconfig, aduan_unaccent("
    "replace(coalesce(code, ''), '-', ' ') || ' ' || coalesce(text, '') || ' ' || coalesce(address, '')))))"
)
UNACCENT = """
CREATE OR REPLACE FUNCTION aduan_unaccent(value text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$ SELECT {body} $$;
"""


def _unaccent_schema(cursor):
    cursor.execute(
        "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
        "WHERE e.extname = 'unaccent'"
    )
    row = cursor.fetchone()
    return row[0] if row else None


def create(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        schema = _unaccent_schema(cursor)
        if schema is None:
            cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'unaccent'")
            if cursor.fetchone():
                try:
                    cursor.execute("SAVEPOINT aduan_unaccent")
                    cursor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
                    cursor.execute("RELEASE SAVEPOINT aduan_unaccent")
                except Exception:  # no privilege: search works without unaccent
                    cursor.execute("ROLLBACK TO SAVEPOINT aduan_unaccent")
                schema = _unaccent_schema(cursor)
        if schema:
            quoted = connection.ops.quote_name(schema)
            body = f"{quoted}.unaccent('{quoted}.unaccent'::regdictionary, value)"
        else:
            body = "value"
        cursor.execute(UNACCENT.format(body=body))
        cursor.execute(INDEX)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS complaint_fts", params=None)
    schema_editor.execute("DROP FUNCTION IF EXISTS aduan_unaccent(text)", params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0009_code_sequences"),
    ]

    operations = [migrations.RunPython(create, drop)]
