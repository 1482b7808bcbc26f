"""The hub with posts made by the publishing services, as in production."""

import pytest

from beatdesk.publishing.models import Post
from beatdesk.publishing.services import PartInput, post_create, post_edit, post_take_down

pytestmark = pytest.mark.django_db


def test_published_edited_and_taken_down_posts_follow_on_every_surface(
    client, force, account, officer_york, lead_york, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post = post_create(
            actor=officer_york,
            account=account("york"),
            parts=[PartInput(text="Street lamps out on Haxby Road tonight")],
            client_token="hub-integration-1",
            tags="#Lighting",
        )
    post.refresh_from_db()
    assert post.state == Post.State.PUBLISHED
    surfaces = [
        "/north-yorkshire/districts/york/",
        f"/north-yorkshire/officers/{officer_york.slug}/",
        "/north-yorkshire/topics/lighting/",
        "/north-yorkshire/search/?q=lamps",
        "/north-yorkshire/feed/",
        f"/north-yorkshire/posts/{post.pk}/",
        "/api/v1/forces/north-yorkshire/posts/",
    ]
    for url in surfaces:
        assert "Haxby Road" in client.get(url).content.decode(), url

    with django_capture_on_commit_callbacks(execute=True):
        post_edit(actor=officer_york, post=post, texts=["Street lamps fixed on Haxby Road"])
    assert "fixed" in client.get("/north-yorkshire/search/?q=lamps").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        post_take_down(actor=lead_york, post=post, reason="Duplicate of the council's notice")
    for url in surfaces[:-2]:
        assert "Haxby Road" not in client.get(url).content.decode(), url
    assert client.get(surfaces[-2]).status_code == 404
    assert "Haxby Road" not in client.get(surfaces[-1]).content.decode()
