import feedparser
import pytest
from django.utils import timezone

from beatdesk.hub.tests.conftest import create_post

pytestmark = pytest.mark.django_db


def parse(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "atom10"
    return feed


def test_force_district_officer_and_topic_feeds(
    client, force, account, officer_york, officer_scarborough
):
    a = create_post(
        account=account("york"), author=officer_york, texts=["York news", "More"], tags=["Roads"]
    )
    b = create_post(
        account=account("scarborough"), author=officer_scarborough, texts=["Scarborough news"]
    )
    feed = parse(client, "/north-yorkshire/feed/")
    assert [e.title for e in feed.entries] == ["Scarborough news", "York news"]
    assert parse(client, "/north-yorkshire/districts/york/feed/").entries[0].title == "York news"
    assert [
        e.title
        for e in parse(
            client, f"/north-yorkshire/officers/{officer_scarborough.slug}/feed/"
        ).entries
    ] == ["Scarborough news"]
    topic = parse(client, "/north-yorkshire/topics/roads/feed/")
    entry = topic.entries[0]
    assert entry.link == f"http://testserver/north-yorkshire/posts/{a.pk}/"
    assert entry.author == "PC Jess Holmes"
    assert "More" in entry.summary
    assert [t.term for t in entry.tags] == ["Roads"]
    assert b.pk != a.pk


def test_entry_ids_are_stable_and_updated_follows_edits(client, force, account, officer_york):
    post = create_post(account=account("york"), author=officer_york, texts=["First words"])
    before = parse(client, "/north-yorkshire/feed/").entries[0]
    assert before.id == f"tag:beatdesk,{post.published_at:%Y-%m-%d}:north-yorkshire/posts/{post.pk}"
    part = post.parts.get()
    part.text = "Corrected words"
    part.save()
    post.edited_at = timezone.now()
    post.save()
    after = parse(client, "/north-yorkshire/feed/")
    assert after.entries[0].id == before.id
    assert after.entries[0].title == "Corrected words"
    assert (
        after.entries[0].updated_parsed > before.updated_parsed
        or after.entries[0].updated != before.updated
    )
    assert after.feed.updated


def test_unknown_feed_is_404(client, force):
    assert client.get("/north-yorkshire/topics/nothing/feed/").status_code == 404
