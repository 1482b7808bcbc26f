"""PostgreSQL: the facet words get their own ``tsvector`` and GIN index, so a filtered search
intersects the filters with the words inside the indexes (SQLite's FTS5 table has them as a
column since 0003)."""

from django.db import migrations

POSTGRES = [
    "ALTER TABLE hub_searchdocument ADD COLUMN facet_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple', facets)) STORED",
    "CREATE INDEX hub_search_facets ON hub_searchdocument USING gin (facet_vector)",
]
POSTGRES_REVERSE = [
    "DROP INDEX IF EXISTS hub_search_facets",
    "ALTER TABLE hub_searchdocument DROP COLUMN IF EXISTS facet_vector",
]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return apply


class Migration(migrations.Migration):
    dependencies = [("hub", "0004_hub_generation")]

    operations = [migrations.RunPython(run(POSTGRES), run(POSTGRES_REVERSE))]
