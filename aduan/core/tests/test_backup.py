"""`aduan backup` and `aduan restore`: a round trip on SQLite, and on PostgreSQL when there."""

import io
import shutil
import sqlite3
import tarfile
import uuid
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from aduan.core.models import AuditEntry, OutboundMessage, User

PHOTO = b"\xff\xd8\xff\xe0 not really a jpeg, but bytes to compare"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    (settings.MEDIA_ROOT / "photos" / "2026").mkdir(parents=True)
    (settings.MEDIA_ROOT / "photos" / "2026" / "a1b2.jpg").write_bytes(PHOTO)
    return settings.MEDIA_ROOT


def _data(city):
    User.objects.create_user(username="mira", password="rahasia-uji-123", first_name="Mira")
    OutboundMessage.objects.create(channel="sms", recipient="+6281234567890", body="Halo Bu Sari")


def _counts(cursor, tables):
    found = {}
    for table in tables:
        cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608 (introspected names)
        found[table] = cursor.fetchone()[0]
    return found


def _source_counts():
    with connection.cursor() as cursor:
        return _counts(cursor, connection.introspection.table_names(cursor))


def _backup(tmp_path) -> Path:
    archive = tmp_path / "out" / "aduan.tar.gz"
    out = io.StringIO()
    call_command("backup", "--output", str(archive), stdout=out)
    assert archive.is_file() and "1 media files" in out.getvalue()
    assert archive.stat().st_mode & 0o077 == 0  # owner-only: it holds personal data
    assert not archive.with_name("aduan.tar.gz.partial").exists()
    return archive


@pytest.mark.django_db(transaction=True)
def test_sqlite_round_trip(city, media, tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite round trip runs on SQLite")
    _data(city)
    archive = _backup(tmp_path)
    with tarfile.open(archive) as tar:
        names = set(tar.getnames())
    assert {"manifest.json", "database.sqlite3", "media/photos/2026/a1b2.jpg"} <= names

    target = tmp_path / "restored" / "aduan.sqlite3"
    restored_media = tmp_path / "restored" / "media"
    call_command(
        "restore", str(archive), "--into", f"sqlite:///{target}", "--media-root",
        str(restored_media), stdout=io.StringIO(),
    )  # fmt: skip
    expected = _source_counts()
    conn = sqlite3.connect(target)
    try:
        assert _counts(conn.cursor(), expected) == expected
        (body,) = conn.execute("SELECT body FROM core_outboundmessage").fetchone()
    finally:
        conn.close()
    assert body == "Halo Bu Sari"
    assert expected["core_user"] == 1 and expected["core_agency"] == 4
    assert (restored_media / "photos" / "2026" / "a1b2.jpg").read_bytes() == PHOTO

    # Never into a database or a media folder that has something in it.
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(archive), "--into", f"sqlite:///{target}", "--no-media")
    with pytest.raises(CommandError, match="media folder"):
        call_command(
            "restore", str(archive), "--into", f"sqlite:///{tmp_path / 'other.sqlite3'}",
            "--media-root", str(restored_media),
        )  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_postgresql_round_trip(city, media, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("needs DATABASE_URL pointing at PostgreSQL")
    if not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        pytest.skip("pg_dump/pg_restore are not installed")
    import psycopg

    _data(city)
    AuditEntry.objects.count()  # the append-only table comes back with its triggers
    archive = _backup(tmp_path)
    settings_dict = connection.settings_dict
    scratch = f"{settings_dict['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    admin = {
        "host": settings_dict.get("HOST") or None,
        "port": settings_dict.get("PORT") or None,
        "user": settings_dict.get("USER") or None,
        "password": settings_dict.get("PASSWORD") or None,
        "autocommit": True,
    }
    with psycopg.connect(dbname="postgres", **admin) as conn:
        conn.execute(f'CREATE DATABASE "{scratch}"')
    try:
        user = settings_dict.get("USER") or ""
        host = settings_dict.get("HOST") or "127.0.0.1"
        port = settings_dict.get("PORT") or 5432
        password = settings_dict.get("PASSWORD") or ""
        auth = f"{user}:{password}@" if password else f"{user}@"
        url = f"postgres://{auth}{host}:{port}/{scratch}"
        call_command(
            "restore", str(archive), "--into", url, "--media-root", str(tmp_path / "m"),
            stdout=io.StringIO(),
        )  # fmt: skip
        expected = _source_counts()
        with psycopg.connect(dbname=scratch, **admin) as conn:
            assert _counts(conn.cursor(), expected) == expected
            (body,) = conn.execute("SELECT body FROM core_outboundmessage").fetchone()
            assert body == "Halo Bu Sari"
            triggers = conn.execute(
                "SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
                " WHERE c.relname = 'core_auditentry' AND NOT t.tgisinternal"
            ).fetchone()[0]
            assert triggers > 0
        assert (tmp_path / "m" / "photos" / "2026" / "a1b2.jpg").read_bytes() == PHOTO
        with pytest.raises(CommandError, match="not empty"):
            call_command("restore", str(archive), "--into", url, "--no-media")
    finally:
        with psycopg.connect(dbname="postgres", **admin) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')


def test_restore_refuses_an_archive_that_writes_outside(tmp_path):
    archive = tmp_path / "evil.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        for name, data in (
            ("manifest.json", b'{"format": 1, "vendor": "sqlite", "database": "database.sqlite3"}'),
            ("database.sqlite3", b""),
            ("media/../../escaped.txt", b"gotcha"),
        ):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    with pytest.raises(CommandError, match="unsafe"):
        call_command(
            "restore", str(archive), "--into", f"sqlite:///{tmp_path / 'x' / 'db.sqlite3'}",
            "--media-root", str(tmp_path / "x" / "media"),
        )  # fmt: skip
    assert not (tmp_path / "escaped.txt").exists()
    assert not (tmp_path / "x" / "db.sqlite3").exists()


def test_restore_refuses_what_is_not_a_backup(tmp_path):
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"not a tarball")
    with pytest.raises(CommandError, match="not an Aduan backup"):
        call_command("restore", str(junk), "--into", f"sqlite:///{tmp_path / 'db.sqlite3'}")
