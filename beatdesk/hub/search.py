"""Full-text search over a force's public posts, one interface over two databases.

SQLite uses FTS5 (porter stemmer); PostgreSQL uses a generated ``tsvector`` with a GIN index
(english stemmer). Both see the same words: the query is cut into words here, English stop
words are dropped here, and every remaining word must appear. So the two return the same
posts; only the order of the results may differ a little (see below).

The cost is bounded however many posts match (``docs/decisions/0091-hub-search-at-scale.md``):
- each entry has a ``sort_key`` (publication second and post id in one integer). On SQLite it
  is the FTS5 rowid, on PostgreSQL a btree: matches are walked newest first and only the newest
  ``CANDIDATES`` are ranked; a date filter is a key range;
- on SQLite the district, officer and topic filters are also words in a ``facets`` column, so
  FTS5 intersects them with the text's words instead of checking post after post;
- on PostgreSQL an officer's, an account's and a topic's entries have their own btrees keyed by
  ``sort_key`` (migration 0006), so a filtered search walks only those, newest first, checking
  the words on each; when a word is rare, the GIN index on the words is asked instead;
- ranking: how often the words' roots occur (SQLite) or ``ts_rank`` (PostgreSQL), then newest
  first. Neither reads whole-index statistics (bm25's IDF would, on every query).

Keeping the index in step with posts:
- ``index_post(post)`` is the hook: the publishing services call it on commit whenever a post
  is published, edited, deleted or taken down. It indexes a public post and drops any other.
- ``sync_index(force_id)`` is the safety net: it re-indexes every post whose ``updated_at`` is
  newer than the index's watermark. Searches call it first (it costs one cached lookup when
  nothing changed) and the ``hub.search_sync`` job runs it for every force.
- Results are always joined to ``publishing_post`` and filtered to public states, so a post
  taken down a moment ago never shows even before its entry is removed.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.db.models import Q

from beatdesk.hub.models import SearchDocument, SearchState
from beatdesk.publishing.models import Post

# PostgreSQL's english stop words (Snowball's list): dropped from queries on both databases.
STOP_WORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "did",
        "do",
        "does",
        "doing",
        "don",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "me",
        "more",
        "most",
        "my",
        "myself",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "ours",
        "ourselves",
        "out",
        "over",
        "own",
        "same",
        "she",
        "should",
        "so",
        "some",
        "such",
        "t",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "themselves",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "very",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "you",
        "your",
        "yours",
        "yourself",
        "yourselves",
        "s",
    ]
)
MAX_TERMS = 8
# A post saved in a transaction that commits late can carry an updated_at a little older
# than one already indexed; looking back this far catches it.
SYNC_LOOKBACK = timedelta(seconds=30)
SYNC_BATCH = 500
# Results are ranked among this many newest matching posts (25 pages of 20).
CANDIDATES = 500


def query_terms(text: str) -> list[str]:
    words = re.findall(r"\w+", text.lower())
    terms: list[str] = []
    for word in words:
        if word not in STOP_WORDS and word not in terms:
            terms.append(word)
    return terms[:MAX_TERMS]


def normalized(text: str) -> str:
    """The words of a text, lower case, one space apart and one at each end (for ranking)."""
    return " " + " ".join(re.findall(r"\w+", text.lower())) + " "


def document_text(post: Post) -> str:
    parts = [part.text for part in post.parts.all()]
    tags = [tag.name for tag in post.tags.all()]
    return normalized(" ".join([*parts, *tags]))


SUFFIXES = ("ies", "es", "s", "ing", "ed", "y")


def word_root(term: str) -> str:
    """A query word without a common English ending: ``burglary`` counts ``burglaries`` too."""
    for suffix in SUFFIXES:
        if term.endswith(suffix) and len(term) - len(suffix) >= 3:
            return term[: -len(suffix)]
    return term


# Seconds are counted from here so that the key fits 64 bits until 2088.
KEY_EPOCH = 1_577_836_800  # 2020-01-01T00:00:00Z
KEY_SHIFT = 2**32


def sort_key(published_at: datetime, post_id: int) -> int:
    """One integer ordered like (publication second, id): newest first is largest first."""
    return (int(published_at.timestamp()) - KEY_EPOCH) * KEY_SHIFT + post_id % KEY_SHIFT


def key_floor(when: datetime) -> int:
    """The smallest key of a post published at or after ``when`` (to the second)."""
    return (math.floor(when.timestamp()) - KEY_EPOCH) * KEY_SHIFT


def facet_words(*, force_id: int, account_id: int, author_id: int, tag_ids=()) -> str:
    words = [f"f{force_id}", f"a{account_id}", f"o{author_id}"]
    return " ".join([*words, *(f"t{t}" for t in sorted(tag_ids))])


def document_fields(post: Post) -> dict:
    return {
        "force_id": post.force_id,
        "version": post.updated_at,
        "body": document_text(post),
        "sort_key": sort_key(post.published_at, post.pk),
        "facets": facet_words(
            force_id=post.force_id,
            account_id=post.account_id,
            author_id=post.author_id,
            tag_ids=[tag.pk for tag in post.tags.all()],
        ),
    }


def _indexable(post: Post) -> bool:
    return post.state in Post.PUBLIC_STATES and post.published_at is not None


def index_post(post: Post) -> None:
    """Bring the post's search entry up to date: indexed if public, gone otherwise."""
    if not _indexable(post):
        SearchDocument.objects.filter(post_id=post.pk).delete()
        return
    fresh = Post.objects.prefetch_related("parts", "tags").get(pk=post.pk)
    SearchDocument.objects.update_or_create(post_id=fresh.pk, defaults=document_fields(fresh))


def sync_index(
    force_id: int, *, through: datetime | None = None, max_batches: int | None = None
) -> int:
    """Re-index this force's posts changed since the watermark; return how many were touched.

    With ``through`` (the force's content version), does nothing when the index already
    covers it: the common case, one primary-key read. ``max_batches`` bounds the work (a web
    request does a little; the job does the rest).
    """
    state, _ = SearchState.objects.get_or_create(force_id=force_id)
    if through is not None and state.indexed_through and state.indexed_through >= through:
        return 0
    start = state.indexed_through - SYNC_LOOKBACK if state.indexed_through else None
    after: tuple[datetime, int] | None = None
    touched = 0
    batches = 0
    while max_batches is None or batches < max_batches:
        batches += 1
        posts = Post.objects.filter(force_id=force_id)
        if start is not None:
            posts = posts.filter(updated_at__gte=start)
        if after is not None:
            posts = posts.filter(
                Q(updated_at__gt=after[0]) | Q(updated_at=after[0], id__gt=after[1])
            )
        batch = list(
            posts.order_by("updated_at", "id").prefetch_related("parts", "tags")[:SYNC_BATCH]
        )
        if not batch:
            break
        known = dict(
            SearchDocument.objects.filter(post_id__in=[p.pk for p in batch]).values_list(
                "post_id", "version"
            )
        )
        with transaction.atomic():
            for post in batch:
                public = _indexable(post)
                if public and known.get(post.pk) != post.updated_at:
                    SearchDocument.objects.update_or_create(
                        post_id=post.pk, defaults=document_fields(post)
                    )
                    touched += 1
                elif not public and post.pk in known:
                    SearchDocument.objects.filter(post_id=post.pk).delete()
                    touched += 1
            newest = batch[-1].updated_at
            if state.indexed_through is None or newest > state.indexed_through:
                state.indexed_through = newest
                state.save(update_fields=["indexed_through"])
        after = (batch[-1].updated_at, batch[-1].pk)
        if len(batch) < SYNC_BATCH:
            break
    return touched


@dataclass(frozen=True)
class SearchFilters:
    account_ids: tuple[int, ...] | None = None  # a district: its district accounts
    author_id: int | None = None
    tag_id: int | None = None
    since: datetime | None = None
    until: datetime | None = None


@dataclass(frozen=True)
class SearchHits:
    post_ids: list[int]
    has_more: bool


def search_post_ids(
    *, force_id: int, text: str, filters: SearchFilters, limit: int = 20, offset: int = 0
) -> SearchHits:
    """Ids of matching public posts, best match first (newest first among equals)."""
    terms = query_terms(text)
    if not terms:
        return SearchHits(post_ids=[], has_more=False)
    # Only placeholders are put into the SQL text; every value travels as a parameter.
    where = ["p.force_id = %s", f"p.state IN {_placeholders(Post.PUBLIC_STATES)}"]
    params: list = [force_id, *Post.PUBLIC_STATES]
    if filters.account_ids is not None:
        if not filters.account_ids:
            return SearchHits(post_ids=[], has_more=False)
        where.append(f"p.account_id IN {_placeholders(filters.account_ids)}")
        params.extend(filters.account_ids)
    if filters.author_id is not None:
        where.append("p.author_id = %s")
        params.append(filters.author_id)
    if filters.tag_id is not None:
        where.append(
            "EXISTS (SELECT 1 FROM publishing_post_tags pt WHERE pt.post_id = p.id "
            "AND pt.tag_id = %s)"
        )
        params.append(filters.tag_id)
    if filters.since is not None:
        where.append("p.published_at >= %s")
        # As the ORM would store it (on SQLite, text in UTC: compared as text).
        params.append(connection.ops.adapt_datetimefield_value(filters.since))
    if filters.until is not None:
        where.append("p.published_at < %s")
        params.append(connection.ops.adapt_datetimefield_value(filters.until))
    conditions = " AND ".join(where)
    # Key range for dates: a superset to the second; the post's own published_at decides.
    low = key_floor(filters.since) if filters.since is not None else None
    high = key_floor(filters.until) + KEY_SHIFT if filters.until is not None else None
    # Rank the newest CANDIDATES matches, not all of them: the cost stays bounded however
    # common the words are, and on a force's news the newest matches are the ones people want.
    if connection.vendor == "postgresql":
        return _search_postgres(
            force_id, terms, filters, conditions, params, low, high, limit=limit, offset=offset
        )
    keys, key_params = _key_range("hub_search_fts.rowid", low, high)
    # Ranked like PostgreSQL's ts_rank (how often the words occur; no whole-index
    # statistics, which bm25 would gather by reading every matching entry on each query).
    counts = [
        f"(length(d.body) - length(replace(d.body, %s, ''))) / {len(r) + 1}"
        for r in map(word_root, terms)
    ]
    sql = (
        "SELECT id FROM (SELECT p.id AS id, p.published_at AS published_at, "  # noqa: S608
        f"{' + '.join(counts)} AS score FROM hub_search_fts "
        f"JOIN publishing_post p ON p.id = (hub_search_fts.rowid & {KEY_SHIFT - 1}) "
        "JOIN hub_searchdocument d ON d.post_id = p.id "
        f"WHERE hub_search_fts MATCH %s {keys}AND {conditions} "
        "ORDER BY hub_search_fts.rowid DESC LIMIT %s) "
        "ORDER BY score DESC, published_at DESC, id DESC LIMIT %s OFFSET %s"
    )
    roots = [" " + word_root(t) for t in terms]
    match = fts_query(terms, filters)
    params = [*roots, match, *key_params, *params, CANDIDATES, limit + 1, offset]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        ids = [row[0] for row in cursor.fetchall()]
    return SearchHits(post_ids=ids[:limit], has_more=len(ids) > limit)


# PostgreSQL walks the entries newest first (all of the force's, or only the officer's,
# account's or topic's) in chunks: PG_PROBE first, then as many as the matches so far say are
# needed (at most PG_CHUNK at a time). When the probe says the GIN indexes would read fewer
# entries than the walk (a rare word), it asks them instead.
PG_PROBE = 2_000
PG_CHUNK = 50_000


def _search_postgres(
    force_id, terms, filters, conditions, params, low, high, *, limit, offset
) -> SearchHits:
    """The newest CANDIDATES matches, then ranked: usually two short queries.

    An officer's, an account's or a topic's entries have their own btree (``author_id``,
    ``account_id``, ``hub_search_topic``; migration 0006), so a filtered search walks only
    them, checking the words on each entry; a district of several accounts merges their walks.
    """
    words = " ".join(terms)
    facets = _facet_tsquery(filters)
    match = "d.vector @@ plainto_tsquery('english', %s)"
    match_params: list = [words]
    if facets:
        match += " AND d.facet_vector @@ to_tsquery('simple', %s)"
        match_params.append(facets)
    # The post itself decides too (state, force, filters), looked up only for the entries
    # whose words match; OFFSET 0 keeps it a lookup per entry, never a join over all the posts.
    # Each match comes back with its rank and publication time, for the ranking below.
    post_ok = (
        "CROSS JOIN LATERAL (SELECT ts_rank(d.vector, plainto_tsquery('english', %s)) AS rank, "  # noqa: S608
        f"p.published_at FROM publishing_post p WHERE p.id = d.post_id AND {conditions} "
        "OFFSET 0) ok"
    )
    post_params = [words, *params]
    with connection.cursor() as cursor:
        # The probe: the newest PG_PROBE entries; how many match, how often each word occurs
        # (the rarest is what GIN would read), and where the walk stopped.
        source, source_params = _walk_source(force_id, filters, words, low, high, PG_PROBE)
        counted = terms if len(terms) > 1 else []
        word_counts = "".join(
            ", count(*) FILTER (WHERE d.vector @@ plainto_tsquery('english', %s))" for _ in counted
        )
        matches = ", ".join(
            f"array_agg({column} ORDER BY d.sort_key DESC) FILTER (WHERE ok.rank IS NOT NULL)"
            for column in ("d.post_id", "ok.rank", "ok.published_at")
        )
        cursor.execute(
            f"SELECT count(*), min(d.sort_key), {matches}, "  # noqa: S608
            "(SELECT reltuples FROM pg_class WHERE oid = 'hub_searchdocument'::regclass)"
            f"{word_counts} FROM ({source}) d LEFT JOIN LATERAL "
            "(SELECT ts_rank(d.vector, plainto_tsquery('english', %s)) AS rank, "
            "p.published_at FROM publishing_post p "
            f"WHERE {match} AND p.id = d.post_id AND {conditions} OFFSET 0) ok ON true",
            [*counted, *source_params, words, *match_params, *params],
        )
        walked, last_key, ids, ranks, times, entries, *counts = cursor.fetchone()
        found = list(zip(ids or [], ranks or [], times or [], strict=True))[:CANDIDATES]
        rows, window = walked, PG_PROBE
        while len(found) < CANDIDATES and rows == window:
            # Entries still to walk, at the rate matches came so far (none yet: under one in
            # twice as many), against the entries GIN would read for the rarest word.
            needed = (CANDIDATES - len(found)) * walked / max(len(found), 0.5)
            if walked == PG_PROBE and _gin_reads_less(counts or [len(found)], entries, needed):
                found = _search_postgres_gin(
                    cursor, force_id, words, post_ok, post_params, low, high
                )
                break
            # Walk on, with room to spare; the query stops as soon as enough match.
            window = int(min(max(needed * 2, PG_PROBE), PG_CHUNK))
            top = last_key if high is None else min(high, last_key)
            source, source_params = _walk_source(force_id, filters, words, low, top, window)
            cursor.execute(
                "SELECT d.post_id, ok.rank, ok.published_at "  # noqa: S608
                f"FROM ({source}) d {post_ok} "
                f"WHERE {match} ORDER BY d.sort_key DESC LIMIT %s",
                [*source_params, *post_params, *match_params, CANDIDATES - len(found)],
            )
            found += cursor.fetchall()
            if len(found) >= CANDIDATES:
                break
            # Not enough: the whole window was walked. Where did it end; was it the last entry?
            cursor.execute(
                f"SELECT count(*), min(d.sort_key) FROM ({source}) d",  # noqa: S608
                source_params,
            )
            rows, last_key = cursor.fetchone()
            walked += rows
    # Best match first (ts_rank), newest first among equals.
    found.sort(key=lambda hit: (hit[1], hit[2], hit[0]), reverse=True)
    ids = [hit[0] for hit in found[offset : offset + limit + 1]]
    return SearchHits(post_ids=ids[:limit], has_more=len(ids) > limit)


def _gin_reads_less(counts: list[int], entries: float, needed: float) -> bool:
    """Would GIN read fewer entries (the rarest word's, over the whole index) than the walk
    would still walk? ``counts``: how many of the probe's entries have each word."""
    return min(counts) / PG_PROBE * max(entries, 0) < needed


def _walk_source(force_id, filters, words, low, high, rows) -> tuple[str, list]:
    """SQL for the newest ``rows`` entries of the force in the key range, narrowed by the
    filter that has its own btree (officer, else district, else topic)."""
    columns = "post_id, sort_key, vector, facet_vector"
    keys, key_params = _key_range("sort_key", low, high)
    if filters.author_id is not None or filters.account_ids:
        if filters.author_id is not None:
            column, values = "author_id", [filters.author_id]
        else:
            column, values = "account_id", list(filters.account_ids)
        # The index alone is walked (it holds the post and the word bits). One walk per
        # account, merged newest first.
        parts = [
            "(SELECT post_id, sort_key, word_bits FROM hub_searchdocument "  # noqa: S608
            f"WHERE {column} = %s {keys}ORDER BY sort_key DESC LIMIT %s)"
            for _ in values
        ]
        walk = " UNION ALL ".join(parts)
        walk_params = [p for v in values for p in (v, *key_params, rows)]
        if len(parts) > 1:
            walk = f"SELECT * FROM ({walk}) w ORDER BY sort_key DESC LIMIT %s"  # noqa: S608
            walk_params.append(rows)
        # An entry is read from the table only when its word bits include every query word's.
        return (
            "SELECT w.post_id, w.sort_key, e.vector, e.facet_vector "  # noqa: S608
            f"FROM ({walk}) w LEFT JOIN LATERAL (SELECT vector, facet_vector "
            "FROM hub_searchdocument e WHERE e.post_id = w.post_id AND e.force_id = %s "
            "AND (w.word_bits & hub_word_bits(to_tsvector('english', %s))) "
            "= hub_word_bits(to_tsvector('english', %s)) OFFSET 0) e ON true "
            "ORDER BY w.sort_key DESC",
            [*walk_params, force_id, words, words],
        )
    if filters.tag_id is not None:
        # The topic's own rows carry the entry's words (entries are one force's posts, and so
        # are its topics).
        return (
            f"SELECT {columns} FROM hub_search_topic WHERE tag_id = %s {keys}"  # noqa: S608
            "ORDER BY sort_key DESC LIMIT %s",
            [filters.tag_id, *key_params, rows],
        )
    return (
        f"SELECT {columns} FROM hub_searchdocument WHERE force_id = %s {keys}"  # noqa: S608
        "ORDER BY sort_key DESC LIMIT %s",
        [force_id, *key_params, rows],
    )


def _search_postgres_gin(cursor, force_id, words, post_ok, post_params, low, high):
    """Every match of the words through their GIN index, the newest CANDIDATES of them: quick
    when a word is rare, which is when this is asked. The filters are checked on the posts
    (the facets' own GIN would add a bitmap of every post of the officer or topic)."""
    keys, key_params = _key_range("d.sort_key", low, high)
    with transaction.atomic():
        # Parallel workers take longer to start than this query takes to run.
        cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
        # "+ 0" is not the btree's order, so the planner starts from the GIN index.
        cursor.execute(
            "SELECT d.post_id, ok.rank, ok.published_at "  # noqa: S608
            f"FROM hub_searchdocument d {post_ok} "
            f"WHERE d.force_id = %s {keys}AND d.vector @@ plainto_tsquery('english', %s) "
            "ORDER BY d.sort_key + 0 DESC LIMIT %s",
            [*post_params, force_id, *key_params, words, CANDIDATES],
        )
        return cursor.fetchall()


def _facet_tsquery(filters: SearchFilters) -> str:
    parts = []
    if filters.account_ids:
        parts.append("(" + " | ".join(f"a{int(a)}" for a in filters.account_ids) + ")")
    if filters.author_id is not None:
        parts.append(f"o{int(filters.author_id)}")
    if filters.tag_id is not None:
        parts.append(f"t{int(filters.tag_id)}")
    return " & ".join(parts)


def fts_query(terms: list[str], filters: SearchFilters) -> str:
    """The FTS5 expression: every word in the text, and the filters as facet words.

    The filters are also checked on the post itself; here they let the index skip straight to
    the posts that pass them, however few there are.
    """

    def quoted(word: str) -> str:
        return '"' + word.replace('"', "") + '"'

    parts = ["{body} : (" + " ".join(quoted(t) for t in terms) + ")"]
    if filters.account_ids:
        parts.append(
            "{facets} : (" + " OR ".join(quoted(f"a{a}") for a in filters.account_ids) + ")"
        )
    if filters.author_id is not None:
        parts.append("{facets} : " + quoted(f"o{filters.author_id}"))
    if filters.tag_id is not None:
        parts.append("{facets} : " + quoted(f"t{filters.tag_id}"))
    return " AND ".join(parts)


def _key_range(column: str, low: int | None, high: int | None) -> tuple[str, list[int]]:
    sql, params = "", []
    if low is not None:
        sql += f"AND {column} >= %s "
        params.append(low)
    if high is not None:
        sql += f"AND {column} < %s "
        params.append(high)
    return sql, params


def _placeholders(values) -> str:
    return "(" + ", ".join(["%s"] * len(values)) + ")"
