"""Tracking-code numbers from a PostgreSQL sequence per month (see ``lifecycle.next_code``).

``aduan_code_number('2611')`` returns the next number of November 2026 from the sequence
``aduan_code_2611``, creating it on first use to start after the last number the row
counter (``core_codesequence``) gave out. Nothing on SQLite, which keeps the row counter.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION aduan_code_number(period text) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    name text := 'aduan_code_' || period;
    start bigint;
BEGIN
    IF period !~ '^[0-9]{4}$' THEN
        RAISE EXCEPTION 'bad code period: %', period;
    END IF;
    IF to_regclass(name) IS NULL THEN
        SELECT COALESCE(MAX(last), 0) + 1 INTO start
            FROM core_codesequence WHERE core_codesequence.period = aduan_code_number.period;
        BEGIN
            EXECUTE format('CREATE SEQUENCE IF NOT EXISTS %I START WITH %s', name, start);
        EXCEPTION WHEN unique_violation OR duplicate_table THEN
            -- Created by a concurrent first filing of the month, now committed.
            NULL;
        END;
    END IF;
    RETURN nextval(name::regclass);
END;
$$;
"""

DROP = "DROP FUNCTION IF EXISTS aduan_code_number(text);"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0008_public_text"),
    ]

    operations = [migrations.RunPython(create, drop)]
