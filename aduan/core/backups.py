"""One-file backups: the database and the uploaded photos, and their restore into an empty database.

An archive (``.tar.gz``, written with mode 0600: it holds every reporter's contact) has

- ``manifest.json``: format version, creation time, database vendor, file counts;
- ``database.pgdump`` (PostgreSQL: ``pg_dump --format=custom``, a consistent snapshot taken
  while the application runs) or ``database.sqlite3`` (SQLite: the online backup API, a
  consistent copy while the worker writes);
- ``media/...``: every file under ``MEDIA_ROOT``.

Restoring needs an *empty* target database (no tables) and an empty or missing media
folder: a restore never merges into live data. PostgreSQL restores with ``pg_restore
--no-owner --no-privileges`` so the archive does not depend on the role names of the
machine it came from; the append-only triggers of the audit log come back with the schema.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.utils import timezone

FORMAT = 1
MANIFEST = "manifest.json"
PG_DUMP = "database.pgdump"
SQLITE_COPY = "database.sqlite3"
MEDIA_DIR = "media"


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why, for the operator."""


@dataclass
class Target:
    """A database to dump or restore into, as Django's settings describe it."""

    vendor: str  # "postgresql" or "sqlite"
    settings_dict: dict

    @classmethod
    def from_settings(cls, settings_dict: dict) -> Target:
        engine = settings_dict["ENGINE"]
        if engine.endswith("postgresql"):
            return cls("postgresql", settings_dict)
        if engine.endswith("sqlite3"):
            return cls("sqlite", settings_dict)
        raise BackupError(f"unsupported database engine: {engine}")

    @classmethod
    def from_url(cls, url: str) -> Target:
        import dj_database_url

        return cls.from_settings(dj_database_url.parse(url))

    def pg_env(self) -> dict[str, str]:
        """libpq's environment for pg_dump / pg_restore: no password on a command line."""
        s = self.settings_dict
        env = dict(os.environ)
        for var, key in (
            ("PGHOST", "HOST"),
            ("PGPORT", "PORT"),
            ("PGUSER", "USER"),
            ("PGPASSWORD", "PASSWORD"),
            ("PGDATABASE", "NAME"),
        ):
            if s.get(key):
                env[var] = str(s[key])
        options = s.get("OPTIONS") or {}
        if options.get("sslmode"):
            env["PGSSLMODE"] = str(options["sslmode"])
        return env

    def connect_pg(self):
        import psycopg

        s = self.settings_dict
        return psycopg.connect(
            host=s.get("HOST") or None,
            port=s.get("PORT") or None,
            user=s.get("USER") or None,
            password=s.get("PASSWORD") or None,
            dbname=s["NAME"],
            sslmode=(s.get("OPTIONS") or {}).get("sslmode") or None,
            autocommit=True,
        )


def _run(args: list[str], env: dict[str, str]) -> None:
    tool = shutil.which(args[0])
    if tool is None:
        raise BackupError(f"{args[0]} is not installed (Debian: postgresql-client)")
    # A fixed tool and our own arguments, no shell: nothing here comes from a request.
    result = subprocess.run([tool, *args[1:]], env=env, capture_output=True, text=True)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{args[0]} failed: {result.stderr.strip()[-2000:]}")


# -- backup -----------------------------------------------------------------------------------


def _dump_sqlite(alias: str, path: Path) -> None:
    connection = connections[alias]
    connection.ensure_connection()
    destination = sqlite3.connect(path)
    try:
        # Page by page while others keep writing: the copy is one consistent state.
        connection.connection.backup(destination)
    finally:
        destination.close()


def _dump_postgresql(target: Target, path: Path) -> None:
    _run(
        ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file", str(path)],
        target.pg_env(),
    )


def _media_files(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink())


def backup(output: Path, *, alias: str = "default", media_root: Path | None = None) -> dict:
    """Write the archive to ``output`` (atomically) and return its manifest."""
    connection = connections[alias]
    target = Target.from_settings(connection.settings_dict)
    media_root = Path(media_root or settings.MEDIA_ROOT)
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="aduan-backup-") as tmp:
        if target.vendor == "postgresql":
            dump_name = PG_DUMP
            _dump_postgresql(target, Path(tmp) / dump_name)
        else:
            dump_name = SQLITE_COPY
            _dump_sqlite(alias, Path(tmp) / dump_name)
        media = _media_files(media_root)
        manifest = {
            "format": FORMAT,
            "created": timezone.now().isoformat(),
            "vendor": target.vendor,
            "database": dump_name,
            "database_bytes": (Path(tmp) / dump_name).stat().st_size,
            "media_files": len(media),
        }
        (Path(tmp) / MANIFEST).write_text(json.dumps(manifest, indent=2))
        partial = output.with_name(output.name + ".partial")
        # Owner-only from the first byte: the archive holds personal data.
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
                tar.add(Path(tmp) / MANIFEST, arcname=MANIFEST)
                tar.add(Path(tmp) / dump_name, arcname=dump_name)
                for path in media:
                    tar.add(path, arcname=f"{MEDIA_DIR}/{path.relative_to(media_root).as_posix()}")
            os.replace(partial, output)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    return manifest


# -- restore ----------------------------------------------------------------------------------


def read_manifest(archive: Path) -> dict:
    try:
        with tarfile.open(archive, "r:gz") as tar:
            member = tar.extractfile(MANIFEST)
            manifest = json.load(member) if member else None
    except (OSError, KeyError, tarfile.TarError, ValueError) as exc:
        raise BackupError(f"{archive} is not an Aduan backup: {exc}") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{archive}: unknown backup format")
    return manifest


def _pg_is_empty(target: Target) -> bool:
    with target.connect_pg() as conn:
        row = conn.execute(
            "SELECT count(*) FROM pg_catalog.pg_tables"
            " WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"
        ).fetchone()
    return row[0] == 0


def _sqlite_path(target: Target) -> Path:
    name = str(target.settings_dict["NAME"])
    if name.startswith("file:") or name == ":memory:":
        raise BackupError("restore into an in-memory SQLite database is not possible")
    return Path(name)


def _sqlite_is_empty(path: Path) -> bool:
    if not path.exists() or path.stat().st_size == 0:
        return True
    conn = sqlite3.connect(path)
    try:
        (count,) = conn.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        ).fetchone()
    finally:
        conn.close()
    return count == 0


def _media_is_empty(root: Path) -> bool:
    return not root.exists() or not any(root.iterdir())


def restore(
    archive: Path,
    *,
    target: Target,
    media_root: Path | None = None,
    with_media: bool = True,
    alias: str | None = None,
) -> dict:
    """Restore ``archive`` into the empty database ``target`` and the empty ``media_root``."""
    archive = Path(archive)
    manifest = read_manifest(archive)
    if manifest["vendor"] != target.vendor:
        raise BackupError(
            f"the archive holds a {manifest['vendor']} database; the target is {target.vendor}"
        )
    media_root = Path(media_root or settings.MEDIA_ROOT)
    if target.vendor == "postgresql":
        if not _pg_is_empty(target):
            raise BackupError("the target database is not empty: restore needs an empty one")
    else:
        path = _sqlite_path(target)
        if not _sqlite_is_empty(path):
            raise BackupError(f"the target database {path} is not empty")
    if with_media and not _media_is_empty(media_root):
        raise BackupError(f"the media folder {media_root} is not empty")

    media_root.parent.mkdir(parents=True, exist_ok=True)
    # Unpacked beside the media folder, so moving the photos into place is a rename.
    with tempfile.TemporaryDirectory(prefix=".aduan-restore-", dir=media_root.parent) as tmp:
        with tarfile.open(archive, "r:gz") as tar:
            # The "data" filter refuses absolute paths, "..", links leaving the folder and
            # device files: an archive from elsewhere cannot write outside it.
            try:
                tar.extractall(tmp, filter="data")
            except tarfile.FilterError as exc:
                raise BackupError(f"unsafe member in the archive: {exc}") from exc
        dump = Path(tmp) / manifest["database"]
        if not dump.is_file():
            raise BackupError("the archive has no database file")
        if target.vendor == "postgresql":
            _run(
                [
                    "pg_restore",
                    "--no-owner",
                    "--no-privileges",
                    "--exit-on-error",
                    "--single-transaction",
                    "--dbname",
                    str(target.settings_dict["NAME"]),
                    str(dump),
                ],
                target.pg_env(),
            )
        else:
            if alias is not None:
                connections[alias].close()
            path = _sqlite_path(target)
            path.parent.mkdir(parents=True, exist_ok=True)
            source = sqlite3.connect(dump)
            destination = sqlite3.connect(path)
            try:
                source.backup(destination)
            finally:
                source.close()
                destination.close()
        unpacked_media = Path(tmp) / MEDIA_DIR
        if with_media and unpacked_media.is_dir():
            if media_root.exists():
                media_root.rmdir()  # empty, checked above
            os.replace(unpacked_media, media_root)
    return manifest
