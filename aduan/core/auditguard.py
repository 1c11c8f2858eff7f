"""The database's own refusal to change or remove audit entries (``core_auditentry``).

The model refuses updates and deletes through the ORM; these triggers refuse them for
every client of the database (raw SQL, a shell, another program), so that only the
database owner, who may drop a trigger, can rewrite the log. The one UPDATE let
through is the ``ON DELETE SET NULL`` that Django issues when a user or a complaint is
deleted: it may set ``actor_id`` or ``complaint_id`` to NULL and change nothing else
(the copied ``actor_label`` and ``complaint_code`` keep the trace).

Installed by migration ``core.0007_audit``; ``flush`` (which empties every table, the
owner's act) lifts the guard for its own statements through :func:`lifted`.

SQLite names the guarded columns one by one (it has no whole-row comparison), and it
rebuilds a table on most schema changes, dropping the table's triggers: a migration that
alters ``core_auditentry`` must call :func:`install` again afterwards. PostgreSQL compares
whole rows, so a new column is guarded without a change here.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

TABLE = "core_auditentry"
MESSAGE = "core_auditentry is append-only"
# Columns that never change after the INSERT (every column but the two detachable links),
# as of the newest migration of the table; a migration passes the list of its own time.
FIXED = (
    "id",
    "created_at",
    "actor_label",
    "actor_role",
    "agency_id",
    "action",
    "complaint_code",
    "description",
    "ip_address",
    "user_agent",
    "extra",
)
_DETACHABLE = ("actor_id", "complaint_id")

# A link set to NULL (a deleted user or complaint) ...
_DETACHES = " OR ".join(f"(OLD.{c} IS NOT NULL AND NEW.{c} IS NULL)" for c in _DETACHABLE)
# ... and none pointed elsewhere (SQLite's ``IS NOT`` is PostgreSQL's ``IS DISTINCT FROM``).
_MOVES = " OR ".join(
    f"(NEW.{c} IS {{distinct}} OLD.{c} AND NEW.{c} IS NOT NULL)" for c in _DETACHABLE
)


def sqlite_install(fixed: tuple[str, ...] = FIXED) -> tuple[str, ...]:
    return (
        f"CREATE TRIGGER {TABLE}_no_delete BEFORE DELETE ON {TABLE} "
        f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
        # UPDATE OF fires when a listed column is assigned at all, even to its old value.
        f"CREATE TRIGGER {TABLE}_no_update BEFORE UPDATE OF {', '.join(fixed)} ON {TABLE} "
        f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
        f"CREATE TRIGGER {TABLE}_detach_only BEFORE UPDATE OF {', '.join(_DETACHABLE)} "
        f"ON {TABLE} WHEN NOT ({_DETACHES}) OR {_MOVES.format(distinct='NOT')} "
        f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
    )


SQLITE_REMOVE = tuple(
    f"DROP TRIGGER IF EXISTS {TABLE}_{name}" for name in ("no_delete", "no_update", "detach_only")
)

_PG_WITHOUT_LINKS = " - ".join(("{row}", *(f"'{c}'" for c in _DETACHABLE)))
POSTGRESQL_INSTALL = (
    f"""
CREATE OR REPLACE FUNCTION {TABLE}_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF ({_PG_WITHOUT_LINKS.format(row="to_jsonb(NEW)")})
                = ({_PG_WITHOUT_LINKS.format(row="to_jsonb(OLD)")})
            AND ({_DETACHES})
            AND NOT ({_MOVES.format(distinct="DISTINCT FROM")}) THEN
            RETURN NEW;
        END IF;
    END IF;
    RAISE EXCEPTION '{MESSAGE} (% refused)', TG_OP USING ERRCODE = 'restrict_violation';
END;
$$""",
    f"CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE} "
    f"FOR EACH ROW EXECUTE FUNCTION {TABLE}_append_only()",
    # TRUNCATE fires no row trigger; it needs a statement trigger of its own.
    f"CREATE TRIGGER {TABLE}_no_truncate BEFORE TRUNCATE ON {TABLE} "
    f"FOR EACH STATEMENT EXECUTE FUNCTION {TABLE}_append_only()",
)
POSTGRESQL_REMOVE = (
    f"DROP TRIGGER IF EXISTS {TABLE}_no_truncate ON {TABLE}",
    f"DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE}",
    f"DROP FUNCTION IF EXISTS {TABLE}_append_only()",
)


def _statements(vendor: str, install: bool, fixed: tuple[str, ...] = FIXED) -> tuple[str, ...]:
    if vendor == "sqlite":
        return sqlite_install(fixed) if install else SQLITE_REMOVE
    if vendor == "postgresql":
        return POSTGRESQL_INSTALL if install else POSTGRESQL_REMOVE
    # Other databases are not supported by Aduan; the model's own refusal still holds.
    return ()


def install(connection, fixed: tuple[str, ...] = FIXED) -> None:
    """Create the triggers (replacing any of the same name); ``fixed``: the columns that
    exist now and never change (SQLite names them; a migration passes its own list)."""
    remove(connection)
    with connection.cursor() as cursor:
        for statement in _statements(connection.vendor, install=True, fixed=fixed):
            cursor.execute(statement)


def remove(connection) -> None:
    with connection.cursor() as cursor:
        for statement in _statements(connection.vendor, install=False):
            cursor.execute(statement)


def is_installed(connection) -> bool:
    if TABLE not in connection.introspection.table_names():
        return False
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
                [TABLE],
            )
            return cursor.fetchone()[0] == len(SQLITE_REMOVE)
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT count(*) FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal",
                [TABLE],
            )
            return cursor.fetchone()[0] == len(POSTGRESQL_INSTALL) - 1
    return False


@contextlib.contextmanager
def lifted(connection) -> Iterator[None]:
    """The guard removed for the block and put back after it, whatever happens.

    For ``flush`` only: the triggers would refuse its ``DELETE`` (SQLite) and
    ``TRUNCATE`` (PostgreSQL). Dropping a trigger needs the table's owner, so on
    PostgreSQL a role that does not own the table cannot use this to empty the log.
    """
    present = is_installed(connection)
    if present:
        remove(connection)
    try:
        yield
    finally:
        if present:
            install(connection)
