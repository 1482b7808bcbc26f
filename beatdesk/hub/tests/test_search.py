from datetime import timedelta

import pytest
from django.utils import timezone

from beatdesk.hub.models import SearchDocument
from beatdesk.hub.search import SearchFilters, query_terms, search_post_ids, sync_index
from beatdesk.hub.tests.conftest import create_post, set_state
from beatdesk.jobs.registry import run_due
from beatdesk.publishing.models import Post

pytestmark = pytest.mark.django_db


def ids(force, text, **filters):
    return search_post_ids(force_id=force.pk, text=text, filters=SearchFilters(**filters)).post_ids


def test_query_terms_drop_stop_words_and_punctuation():
    assert query_terms("The burglary, on the HIGH street!") == ["burglary", "high", "street"]
    assert query_terms("the and of") == []


def test_all_words_must_match_and_stems_match(force, account, officer_york):
    a = create_post(
        account=account("york"), author=officer_york, texts=["Burglaries in Haxby overnight"]
    )
    b = create_post(account=account("york"), author=officer_york, texts=["A burglary was reported"])
    create_post(account=account("york"), author=officer_york, texts=["Speeding on the A64"])
    assert set(ids(force, "burglary")) == {a.pk, b.pk}
    assert ids(force, "burglary haxby") == [a.pk]
    assert ids(force, "the burglary in haxby") == [a.pk]
    assert ids(force, "nothing-like-this") == []


def test_better_matches_rank_first(force, account, officer_york):
    weak = create_post(
        account=account("york"),
        author=officer_york,
        texts=["Community meeting tonight; also one note about a theft"],
    )
    strong = create_post(
        account=account("york"),
        author=officer_york,
        texts=["Theft from vehicles: theft of tools, theft of catalytic converters"],
    )
    assert ids(force, "theft") == [strong.pk, weak.pk]


def test_filters_district_officer_topic_and_date(force, account, officer_york, officer_scarborough):
    york = create_post(
        account=account("york"), author=officer_york, texts=["Bike theft"], tags=["Bikes"]
    )
    scarb = create_post(
        account=account("scarborough"), author=officer_scarborough, texts=["Bike theft"]
    )
    old = create_post(
        account=account("york"),
        author=officer_york,
        texts=["Bike theft last year"],
        published_at=timezone.now() - timedelta(days=400),
    )
    york_accounts = (account("york").pk,)
    assert set(ids(force, "bike", account_ids=york_accounts)) == {york.pk, old.pk}
    assert ids(force, "bike", author_id=officer_scarborough.pk) == [scarb.pk]
    tag = york.tags.get()
    assert ids(force, "bike", tag_id=tag.pk) == [york.pk]
    assert set(ids(force, "bike", since=timezone.now() - timedelta(days=30))) == {york.pk, scarb.pk}
    assert ids(force, "bike", until=timezone.now() - timedelta(days=30)) == [old.pk]


def test_other_forces_posts_never_match(force, other_force, account, officer_other_force):
    create_post(
        account=account("riverford-town", other_force),
        author=officer_other_force,
        texts=["Riverford burglary"],
    )
    assert ids(force, "burglary") == []
    assert len(ids(other_force, "burglary")) == 1


def test_index_follows_edits_and_removals_without_the_hook(force, account, officer_york):
    post = create_post(account=account("york"), author=officer_york, texts=["Lost dog in Haxby"])
    part = post.parts.get()
    part.text = "Found cat in Haxby"
    part.save()
    post.edited_at = timezone.now()
    post.save()  # the edit service saves the post; the hook was not called
    assert sync_index(force.pk) == 1
    assert ids(force, "cat") == [post.pk] and ids(force, "dog") == []
    set_state(post, Post.State.TAKEN_DOWN)
    # Even before the index catches up, a removed post is never a result.
    assert ids(force, "cat") == []
    assert run_due(only={"hub.search_sync"}) == 1
    assert not SearchDocument.objects.filter(post_id=post.pk).exists()


def test_posts_created_without_the_hook_are_found_by_the_search_page(
    client, force, account, officer_york
):
    create_post(
        account=account("york"), author=officer_york, texts=["Unindexed appeal"], index=False
    )
    html = client.get("/north-yorkshire/search/", {"q": "appeal"}).content.decode()
    assert "Unindexed appeal" in html


def test_search_page_results_filters_and_no_results(
    client, force, account, officer_york, officer_scarborough
):
    create_post(
        account=account("york"),
        author=officer_york,
        texts=["Scam calls to older people"],
        tags=["Fraud"],
    )
    create_post(
        account=account("scarborough"),
        author=officer_scarborough,
        texts=["Scam texts about parcels"],
    )
    html = client.get("/north-yorkshire/search/", {"q": "scam"}).content.decode()
    assert "Scam calls" in html and "Scam texts" in html and "Results for “scam”" in html
    html = client.get(
        "/north-yorkshire/search/", {"q": "scam", "district": "york"}
    ).content.decode()
    assert "Scam calls" in html and "Scam texts" not in html
    html = client.get(
        "/north-yorkshire/search/", {"q": "scam", "officer": officer_scarborough.slug}
    ).content.decode()
    assert "Scam calls" not in html and "Scam texts" in html
    html = client.get("/north-yorkshire/search/", {"q": "scam", "topic": "fraud"}).content.decode()
    assert "Scam calls" in html and "Scam texts" not in html
    html = client.get(
        "/north-yorkshire/search/", {"q": "unicorns", "district": "york"}
    ).content.decode()
    assert "No posts found for “unicorns”" in html
    assert "search again without the filters" in html and "find your area" in html
    html = client.get(
        "/north-yorkshire/search/", {"q": "scam", "from": "not-a-date"}
    ).content.decode()
    assert "From date must be a date" in html
    html = client.get("/north-yorkshire/search/", {"q": "the"}).content.decode()
    assert "at least one word" in html


def test_search_page_pages_results(client, force, account, officer_york):
    for n in range(23):
        create_post(account=account("york"), author=officer_york, texts=[f"Patrol note {n}"])
    first = client.get("/north-yorkshire/search/", {"q": "patrol"}).content.decode()
    assert first.count('class="post"') == 20 and 'rel="next"' in first
    second = client.get("/north-yorkshire/search/", {"q": "patrol", "page": 2}).content.decode()
    assert second.count('class="post"') == 3 and 'rel="prev"' in second


def test_reindex_command_rebuilds_the_index(force, account, officer_york):
    from io import StringIO

    from django.core.management import call_command

    post = create_post(account=account("york"), author=officer_york, texts=["Horse rider safety"])
    SearchDocument.objects.all().delete()
    assert ids(force, "horse") == []
    out = StringIO()
    call_command("hub_reindex", "--force", "north-yorkshire", stdout=out)
    assert "north-yorkshire: 1 posts indexed" in out.getvalue()
    assert ids(force, "horse") == [post.pk]


def test_a_bounded_sync_makes_progress_and_the_job_finishes_it(
    force, account, officer_york, monkeypatch
):
    import beatdesk.hub.search as search

    monkeypatch.setattr(search, "SYNC_BATCH", 2)
    for n in range(5):
        create_post(
            account=account("york"), author=officer_york, texts=[f"Cycle lane {n}"], index=False
        )
    assert sync_index(force.pk, max_batches=1) == 2
    assert len(ids(force, "cycle")) == 2
    assert run_due(only={"hub.search_sync"}) == 3
    assert len(ids(force, "cycle")) == 5


def test_search_dates_are_days_in_the_forces_time_zone(client, force, account, officer_york):
    from datetime import UTC, datetime

    # 15 July 2026, 00:30 in London (summer time) is still 14 July in UTC.
    after_midnight = create_post(
        account=account("york"),
        author=officer_york,
        texts=["Lamp post damaged after midnight"],
        published_at=datetime(2026, 7, 14, 23, 30, tzinfo=UTC),
    )
    # 14 July, 23:50 in London.
    before_midnight = create_post(
        account=account("york"),
        author=officer_york,
        texts=["Lamp post damaged before midnight"],
        published_at=datetime(2026, 7, 14, 22, 50, tzinfo=UTC),
    )
    assert force.policy.time_zone == "Europe/London"

    def found(**dates):
        html = client.get("/north-yorkshire/search/", {"q": "lamp", **dates}).content.decode()
        return {
            p
            for p, text in ((after_midnight, "after midnight"), (before_midnight, "before"))
            if f"Lamp post damaged {text}" in html
        }

    assert found(**{"from": "2026-07-15", "to": "2026-07-15"}) == {after_midnight}
    assert found(**{"from": "2026-07-14", "to": "2026-07-14"}) == {before_midnight}
    assert found(**{"to": "2026-07-14"}) == {before_midnight}
    assert found(**{"from": "2026-07-15"}) == {after_midnight}


@pytest.mark.parametrize("path", ["walk", "gin"])
def test_every_way_through_the_index_finds_the_same_posts(
    force, account, officer_york, officer_scarborough, monkeypatch, path
):
    """PostgreSQL walks the newest entries in steps, or asks GIN: the same posts either way.
    (SQLite has one way; there these searches simply run as they always do.)"""
    from beatdesk.hub import search

    posts = []
    for n in range(14):
        posts.append(
            create_post(
                account=account("york" if n % 2 else "scarborough"),
                author=officer_york if n % 3 else officer_scarborough,
                texts=[f"Bike theft {n}" if n % 4 else f"Bike found {n}"],
                tags=["Bikes"] if n % 5 else [],
                published_at=timezone.now() - timedelta(days=n),
            )
        )
    tag = posts[1].tags.get()
    searches = [
        ("bike", {}),
        ("bike theft", {}),
        ("theft", {"author_id": officer_york.pk}),
        ("bike theft", {"account_ids": (account("york").pk, account("scarborough").pk)}),
        ("bike", {"account_ids": (account("york").pk,)}),
        ("theft", {"tag_id": tag.pk}),
        ("bike", {"tag_id": tag.pk, "since": timezone.now() - timedelta(days=8, hours=12)}),
        ("found", {"until": timezone.now() - timedelta(days=3, hours=12)}),
    ]
    expected = [ids(force, text, **filters) for text, filters in searches]
    assert set(expected[0]) == {p.pk for p in posts}
    assert set(expected[2]) == {p.pk for n, p in enumerate(posts) if n % 4 and n % 3}
    assert set(expected[5]) == {p.pk for n, p in enumerate(posts) if n % 4 and n % 5}
    assert set(expected[7]) == {posts[4].pk, posts[8].pk, posts[12].pk}
    monkeypatch.setattr(search, "PG_PROBE", 2)
    monkeypatch.setattr(search, "PG_CHUNK", 3)
    monkeypatch.setattr(search, "_gin_reads_less", lambda *args: path == "gin")
    assert [ids(force, text, **filters) for text, filters in searches] == expected


def test_postgres_topic_entries_follow_the_search_entries(force, account, officer_york):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's own table (SQLite's FTS5 has the topics as words)")

    def topics():
        with connection.cursor() as cursor:
            cursor.execute("SELECT tag_id, post_id FROM hub_search_topic ORDER BY tag_id")
            return cursor.fetchall()

    post = create_post(
        account=account("york"), author=officer_york, texts=["Bike theft"], tags=["Bikes", "Roads"]
    )
    bikes, roads = sorted(post.tags.all(), key=lambda t: t.pk)
    assert topics() == [(bikes.pk, post.pk), (roads.pk, post.pk)]
    post.tags.remove(roads)
    post.save()
    sync_index(force.pk)
    assert topics() == [(bikes.pk, post.pk)]
    set_state(post, Post.State.TAKEN_DOWN)
    sync_index(force.pk)
    assert topics() == []
