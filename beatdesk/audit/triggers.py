"""Database triggers that refuse UPDATE and DELETE on the audit trail, per database vendor.

The application already has no path to edit the trail (the model and queryset refuse); the
triggers also stop anything that talks to the database directly through Django's connection,
and make any deliberate edit a visible, separate step (dropping a trigger).
"""

from __future__ import annotations

TABLE = "audit_auditevent"
MESSAGE = "The audit trail is append-only: events cannot be changed or deleted."

SQLITE_CREATE = [
    f"""CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS audit_no_update",
    "DROP TRIGGER IF EXISTS audit_no_delete",
]

POSTGRES_CREATE = [
    f"""CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger AS $$
        BEGIN RAISE EXCEPTION '{MESSAGE}'; END; $$ LANGUAGE plpgsql""",
    f"""DROP TRIGGER IF EXISTS audit_no_change ON {TABLE}""",
    f"""CREATE TRIGGER audit_no_change BEFORE UPDATE OR DELETE ON {TABLE}
        FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()""",
    f"""DROP TRIGGER IF EXISTS audit_no_truncate ON {TABLE}""",
    f"""CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON {TABLE}
        FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change()""",
]
POSTGRES_DROP = [
    f"DROP TRIGGER IF EXISTS audit_no_change ON {TABLE}",
    f"DROP TRIGGER IF EXISTS audit_no_truncate ON {TABLE}",
]


def _statements(vendor: str, create: bool) -> list[str]:
    if vendor == "sqlite":
        return SQLITE_CREATE if create else SQLITE_DROP
    if vendor == "postgresql":
        return POSTGRES_CREATE if create else POSTGRES_DROP
    return []


def install(connection) -> None:
    with connection.cursor() as cursor:
        for sql in _statements(connection.vendor, create=True):
            cursor.execute(sql)


def remove(connection) -> None:
    with connection.cursor() as cursor:
        for sql in _statements(connection.vendor, create=False):
            cursor.execute(sql)


def installed(connection) -> bool:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT count(*) FROM sqlite_master WHERE type='trigger' AND tbl_name=%s", [TABLE]
            )
        elif connection.vendor == "postgresql":
            cursor.execute(
                "SELECT count(*) FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal",
                [TABLE],
            )
        else:
            return False
        return cursor.fetchone()[0] >= 2
