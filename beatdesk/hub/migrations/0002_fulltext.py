"""Full-text search structures, one per database: FTS5 on SQLite, tsvector + GIN on PostgreSQL.

Also an index on publishing_post (force_id, updated_at): the hub's content version is
MAX(updated_at) per force, read several times a second by every web process.
"""

from django.db import migrations

SQLITE = [
    "CREATE VIRTUAL TABLE hub_search_fts USING fts5(body, content='hub_searchdocument', "
    "content_rowid='post_id', tokenize='porter unicode61 remove_diacritics 2')",
    "CREATE TRIGGER hub_search_ai AFTER INSERT ON hub_searchdocument BEGIN "
    "INSERT INTO hub_search_fts(rowid, body) VALUES (new.post_id, new.body); END",
    "CREATE TRIGGER hub_search_ad AFTER DELETE ON hub_searchdocument BEGIN "
    "INSERT INTO hub_search_fts(hub_search_fts, rowid, body) "
    "VALUES ('delete', old.post_id, old.body); END",
    "CREATE TRIGGER hub_search_au AFTER UPDATE ON hub_searchdocument BEGIN "
    "INSERT INTO hub_search_fts(hub_search_fts, rowid, body) "
    "VALUES ('delete', old.post_id, old.body); "
    "INSERT INTO hub_search_fts(rowid, body) VALUES (new.post_id, new.body); END",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS hub_search_au",
    "DROP TRIGGER IF EXISTS hub_search_ad",
    "DROP TRIGGER IF EXISTS hub_search_ai",
    "DROP TABLE IF EXISTS hub_search_fts",
]
POSTGRES = [
    "ALTER TABLE hub_searchdocument ADD COLUMN vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('english', body)) STORED",
    "CREATE INDEX hub_search_vector ON hub_searchdocument USING gin (vector)",
]
POSTGRES_REVERSE = [
    "DROP INDEX IF EXISTS hub_search_vector",
    "ALTER TABLE hub_searchdocument DROP COLUMN IF EXISTS vector",
]
BOTH = [
    "CREATE INDEX IF NOT EXISTS hub_post_force_updated ON publishing_post (force_id, updated_at)",
]
BOTH_REVERSE = ["DROP INDEX IF EXISTS hub_post_force_updated"]


def run(statements_by_vendor):
    def apply(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        for sql in statements_by_vendor.get(vendor, []) + statements_by_vendor.get("*", []):
            schema_editor.execute(sql)

    return apply


class Migration(migrations.Migration):
    dependencies = [
        ("hub", "0001_initial"),
        ("publishing", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(
            run({"sqlite": SQLITE, "postgresql": POSTGRES, "*": BOTH}),
            run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRES_REVERSE, "*": BOTH_REVERSE}),
        ),
    ]
