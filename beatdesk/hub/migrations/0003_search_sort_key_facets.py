"""The SQLite full-text table is keyed by ``sort_key`` (newest first, date ranges as key ranges)
and indexes ``facets`` (account, author and topics) beside ``body``.

The index is emptied: the ``hub.search_sync`` job rebuilds it from the posts (or run
``beatdesk hub_reindex``).
"""

from django.db import migrations, models

OLD_SQLITE = [
    "DROP TRIGGER IF EXISTS hub_search_au",
    "DROP TRIGGER IF EXISTS hub_search_ad",
    "DROP TRIGGER IF EXISTS hub_search_ai",
    "DROP TABLE IF EXISTS hub_search_fts",
]
SQLITE = [
    "CREATE VIRTUAL TABLE hub_search_fts USING fts5(body, facets, content='hub_searchdocument', "
    "content_rowid='sort_key', tokenize='porter unicode61 remove_diacritics 2')",
    "CREATE TRIGGER hub_search_ai AFTER INSERT ON hub_searchdocument BEGIN "
    "INSERT INTO hub_search_fts(rowid, body, facets) "
    "VALUES (new.sort_key, new.body, new.facets); END",
    "CREATE TRIGGER hub_search_ad AFTER DELETE ON hub_searchdocument BEGIN "
    "INSERT INTO hub_search_fts(hub_search_fts, rowid, body, facets) "
    "VALUES ('delete', old.sort_key, old.body, old.facets); END",
    "CREATE TRIGGER hub_search_au AFTER UPDATE ON hub_searchdocument BEGIN "
    "INSERT INTO hub_search_fts(hub_search_fts, rowid, body, facets) "
    "VALUES ('delete', old.sort_key, old.body, old.facets); "
    "INSERT INTO hub_search_fts(rowid, body, facets) "
    "VALUES (new.sort_key, new.body, new.facets); END",
]


def empty_index(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for sql in OLD_SQLITE:
            schema_editor.execute(sql)
    apps.get_model("hub", "SearchDocument").objects.all().delete()
    apps.get_model("hub", "SearchState").objects.all().delete()


def create_fts(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for sql in SQLITE:
            schema_editor.execute(sql)


def drop_fts(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for sql in OLD_SQLITE:
            schema_editor.execute(sql)
    apps.get_model("hub", "SearchDocument").objects.all().delete()
    apps.get_model("hub", "SearchState").objects.all().delete()


def recreate_old_fts(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        from importlib import import_module

        for sql in import_module("beatdesk.hub.migrations.0002_fulltext").SQLITE:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("hub", "0002_fulltext")]

    operations = [
        migrations.RunPython(empty_index, recreate_old_fts),
        migrations.AddField(
            model_name="searchdocument",
            name="sort_key",
            field=models.BigIntegerField(default=0, unique=True),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="searchdocument",
            name="facets",
            field=models.TextField(blank=True, default=""),
        ),
        migrations.RunPython(create_fts, drop_fts),
    ]
