"""PostgreSQL: a filtered search walks only the officer's, account's or topic's entries, newest
first, instead of intersecting GIN bitmaps of tens of thousands of entries per word.

- ``author_id`` and ``account_id``: generated from the facet words (``o34``, ``a12``), each with a
  btree on (id, ``sort_key``) that also holds the post and ``word_bits`` (a 64-bit signature
  of the entry's words), so the walk reads the table only for entries that may match;
- ``hub_search_topic`` (tag, ``sort_key``, with the entry's post and word vectors): one row per
  topic of each entry, kept by triggers on the search entries (an insert, update or delete of
  an entry, and a truncate, carry over).

Plain PostgreSQL, no extension. Nothing changes on SQLite (FTS5 already intersects the facet
words inside its index).
"""

from django.db import migrations

TOPIC_WORDS = r"'\mt([0-9]+)'"
POSTGRES = [
    # 64 bits, one set for each word of the entry (by a hash of its root): an entry lacks a
    # word when the word's bit is not set. md5, not hashtext, so it never changes with the
    # server's version.
    "CREATE FUNCTION hub_word_bits(words tsvector) RETURNS bigint LANGUAGE sql IMMUTABLE "
    "PARALLEL SAFE AS $$ SELECT coalesce(bit_or(1::bigint << "
    "(('x' || substr(md5(w), 1, 8))::bit(32)::int & 63)), 0) "
    "FROM unnest(tsvector_to_array(words)) w $$",
    "ALTER TABLE hub_searchdocument "
    "ADD COLUMN author_id bigint GENERATED ALWAYS AS "
    r"((substring(facets from '\mo([0-9]+)'))::bigint) STORED, "
    "ADD COLUMN account_id bigint GENERATED ALWAYS AS "
    r"((substring(facets from '\ma([0-9]+)'))::bigint) STORED, "
    "ADD COLUMN word_bits bigint GENERATED ALWAYS AS "
    "(hub_word_bits(to_tsvector('english', body))) STORED",
    # The word bits in the index: an officer's or account's entries are walked in the index
    # alone, and only those that may have every word are read from the table.
    "CREATE INDEX hub_search_author ON hub_searchdocument (author_id, sort_key) "
    "INCLUDE (post_id, word_bits)",
    "CREATE INDEX hub_search_account ON hub_searchdocument (account_id, sort_key) "
    "INCLUDE (post_id, word_bits)",
    # The entry's words travel with it: a topic's walk reads only this table.
    "CREATE TABLE hub_search_topic (tag_id bigint NOT NULL, sort_key bigint NOT NULL, "
    "post_id bigint NOT NULL, vector tsvector, facet_vector tsvector, "
    "PRIMARY KEY (tag_id, sort_key))",
    "CREATE FUNCTION hub_search_topic_sync() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    "IF TG_OP IN ('UPDATE', 'DELETE') THEN "
    "DELETE FROM hub_search_topic WHERE sort_key = OLD.sort_key AND tag_id IN "
    f"(SELECT m[1]::bigint FROM regexp_matches(OLD.facets, {TOPIC_WORDS}, 'g') m); "
    "END IF; "
    "IF TG_OP IN ('INSERT', 'UPDATE') THEN "
    "INSERT INTO hub_search_topic (tag_id, sort_key, post_id, vector, facet_vector) "
    "SELECT t.tag_id, NEW.sort_key, NEW.post_id, NEW.vector, NEW.facet_vector FROM "
    f"(SELECT DISTINCT m[1]::bigint AS tag_id FROM regexp_matches(NEW.facets, {TOPIC_WORDS}, "
    "'g') m) t ON CONFLICT DO NOTHING; "
    "END IF; "
    "RETURN NULL; END $$",
    "CREATE TRIGGER hub_search_topic_sync AFTER INSERT OR UPDATE OR DELETE ON hub_searchdocument "
    "FOR EACH ROW EXECUTE FUNCTION hub_search_topic_sync()",
    "CREATE FUNCTION hub_search_topic_clear() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    "TRUNCATE hub_search_topic; RETURN NULL; END $$",
    "CREATE TRIGGER hub_search_topic_clear AFTER TRUNCATE ON hub_searchdocument "
    "FOR EACH STATEMENT EXECUTE FUNCTION hub_search_topic_clear()",
    # The entries already there.
    "INSERT INTO hub_search_topic (tag_id, sort_key, post_id, vector, facet_vector) "
    "SELECT m[1]::bigint, d.sort_key, d.post_id, d.vector, d.facet_vector "
    f"FROM hub_searchdocument d, regexp_matches(d.facets, {TOPIC_WORDS}, 'g') m "
    "ORDER BY d.sort_key ON CONFLICT DO NOTHING",
]
POSTGRES_REVERSE = [
    "DROP TRIGGER IF EXISTS hub_search_topic_clear ON hub_searchdocument",
    "DROP TRIGGER IF EXISTS hub_search_topic_sync ON hub_searchdocument",
    "DROP FUNCTION IF EXISTS hub_search_topic_clear()",
    "DROP FUNCTION IF EXISTS hub_search_topic_sync()",
    "DROP TABLE IF EXISTS hub_search_topic",
    "DROP INDEX IF EXISTS hub_search_account",
    "DROP INDEX IF EXISTS hub_search_author",
    "ALTER TABLE hub_searchdocument DROP COLUMN IF EXISTS word_bits, "
    "DROP COLUMN IF EXISTS account_id, DROP COLUMN IF EXISTS author_id",
    "DROP FUNCTION IF EXISTS hub_word_bits(tsvector)",
]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return apply


class Migration(migrations.Migration):
    dependencies = [("hub", "0005_postgres_facet_vector")]

    operations = [migrations.RunPython(run(POSTGRES), run(POSTGRES_REVERSE))]
