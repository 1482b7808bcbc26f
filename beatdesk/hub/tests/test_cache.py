import pytest

from beatdesk.hub.search import sync_index
from beatdesk.hub.tests.conftest import create_post, set_state
from beatdesk.publishing.models import Post

pytestmark = pytest.mark.django_db

LIST_PAGES = [
    "/north-yorkshire/",
    "/north-yorkshire/districts/york/",
    "/north-yorkshire/topics/roads/",
    "/north-yorkshire/feed/",
    "/api/v1/forces/north-yorkshire/posts/",
]


@pytest.fixture
def many_posts(force, account, officer_york, officer_scarborough):
    for n in range(22):
        create_post(
            account=account("york" if n % 2 else "scarborough"),
            author=officer_york if n % 2 else officer_scarborough,
            texts=[f"Post {n}", "second part"],
            tags=["Roads", "Safety"],
            index=False,
        )


@pytest.mark.parametrize(
    "url,queries",
    [
        # version check, force, posts, parts, images, tags + the page's own lookups
        # (the force home's include one for its upcoming Q&A sessions)
        ("/north-yorkshire/", 12),
        ("/north-yorkshire/districts/york/", 12),
        ("/north-yorkshire/topics/roads/", 7),
        ("/north-yorkshire/feed/", 6),
        ("/api/v1/forces/north-yorkshire/posts/", 6),
        ("/north-yorkshire/search/?q=post", 14),
    ],
)
def test_list_pages_use_a_bounded_number_of_queries(
    client, force, many_posts, officer_york, django_assert_num_queries, url, queries
):
    sync_index(force.pk)  # the index is up to date, as the job keeps it
    # Search is one query on both databases here: on PostgreSQL the first walk of the
    # newest entries reaches the oldest (hub/search.py, _search_postgres).
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200


def test_officer_page_queries_do_not_grow_with_posts(
    client, many_posts, officer_york, django_assert_num_queries
):
    with django_assert_num_queries(8):
        client.get(f"/north-yorkshire/officers/{officer_york.slug}/")


def test_cached_page_costs_one_query_and_answers_304(client, many_posts, django_assert_num_queries):
    first = client.get("/north-yorkshire/districts/york/")
    assert first["Cache-Control"] == "public, max-age=0, s-maxage=1"
    assert first["ETag"] and first["Last-Modified"]
    with django_assert_num_queries(1):  # the content version only
        again = client.get("/north-yorkshire/districts/york/")
    assert again.content == first.content
    assert (
        client.get("/north-yorkshire/districts/york/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code
        == 304
    )
    assert (
        client.get(
            "/north-yorkshire/districts/york/", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]
        ).status_code
        == 304
    )


def test_content_version_is_remembered_briefly_per_process(
    client, many_posts, settings, django_assert_num_queries
):
    settings.HUB_FRESHNESS_SECONDS = 60
    client.get("/north-yorkshire/districts/york/")
    with django_assert_num_queries(0):
        client.get("/north-yorkshire/districts/york/")


def test_a_takedown_changes_the_etag_and_the_page(client, force, account, officer_york):
    post = create_post(account=account("york"), author=officer_york, texts=["Visible for now"])
    first = client.get("/north-yorkshire/districts/york/")
    set_state(post, Post.State.TAKEN_DOWN)
    after = client.get("/north-yorkshire/districts/york/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert after.status_code == 200
    assert "Visible for now" not in after.content.decode()


def test_pages_do_not_depend_on_who_is_signed_in(client, force, account, officer_york):
    from beatdesk.core.testing import login

    create_post(account=account("york"), author=officer_york)
    anonymous = client.get("/north-yorkshire/").content
    login(client, officer_york)
    assert client.get("/north-yorkshire/").content == anonymous
