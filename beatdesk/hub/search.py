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


# PostgreSQL first walks this many of the newest entries; when fewer than CANDIDATES of them
# match (rare words, narrow filters) it asks the GIN indexes instead.
PG_WINDOW = 20_000


def _search_postgres(
    force_id, terms, filters, conditions, params, low, high, *, limit, offset
) -> SearchHits:
    """The newest CANDIDATES matches, then ranked: two or three short queries.

    Common words: walk the newest ``PG_WINDOW`` entries (the btree on ``sort_key``) and stop
    at CANDIDATES matches. When fewer match there (rare words, narrow filters), the GIN
    indexes find every match instead. Either way the same candidates, ranked the same.
    """
    words = " ".join(terms)
    facets = _facet_tsquery(filters)
    match = "d.vector @@ plainto_tsquery('english', %s)"
    match_params: list = [words]
    if facets:
        match += " AND d.facet_vector @@ to_tsquery('simple', %s)"
        match_params.append(facets)
    keys, key_params = _key_range("sort_key", low, high)

    def candidates(source: str, source_params: list, order: str) -> list[int]:
        cursor.execute(
            f"SELECT p.id FROM {source} JOIN publishing_post p ON p.id = d.post_id "  # noqa: S608
            f"WHERE {match} AND {conditions} ORDER BY {order} LIMIT %s",
            [*source_params, *match_params, *params, CANDIDATES],
        )
        return [row[0] for row in cursor.fetchall()]

    with connection.cursor() as cursor:
        if filters.author_id is not None or filters.account_ids:
            # An officer's or a district's posts: walk them newest first (their own btree).
            d_keys, d_key_params = _key_range("d.sort_key", low, high)
            cursor.execute(
                "SELECT p.id FROM (SELECT p.id, p.published_at FROM publishing_post p "  # noqa: S608
                f"WHERE {conditions} ORDER BY p.published_at DESC, p.id DESC LIMIT %s) p "
                "JOIN hub_searchdocument d ON d.post_id = p.id "
                f"WHERE {match} {d_keys}ORDER BY p.published_at DESC, p.id DESC LIMIT %s",
                [*params, PG_WINDOW, *match_params, *d_key_params, CANDIDATES],
            )
            found = [row[0] for row in cursor.fetchall()]
        else:
            found = candidates(
                "(SELECT post_id, sort_key, vector, facet_vector "  # noqa: S608
                f"FROM hub_searchdocument WHERE force_id = %s {keys}"
                "ORDER BY sort_key DESC LIMIT %s) d",
                [force_id, *key_params, PG_WINDOW],
                "d.sort_key DESC",
            )
        if len(found) < CANDIDATES:
            # "+ 0" is not the btree's order, so the planner starts from the GIN indexes.
            found = candidates(
                "(SELECT post_id, sort_key, vector, facet_vector "  # noqa: S608
                f"FROM hub_searchdocument WHERE force_id = %s {keys}) d",
                [force_id, *key_params],
                "d.sort_key + 0 DESC",
            )
        if not found:
            return SearchHits(post_ids=[], has_more=False)
        cursor.execute(
            "SELECT p.id FROM hub_searchdocument d JOIN publishing_post p ON p.id = d.post_id, "
            "plainto_tsquery('english', %s) q WHERE d.post_id = ANY(%s) "
            "ORDER BY ts_rank(d.vector, q) DESC, p.published_at DESC, p.id DESC "
            "LIMIT %s OFFSET %s",
            [words, found, limit + 1, offset],
        )
        ids = [row[0] for row in cursor.fetchall()]
    return SearchHits(post_ids=ids[:limit], has_more=len(ids) > limit)


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
