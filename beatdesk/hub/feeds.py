"""Atom feeds for a force, a district, an officer and a topic.

Entry ids are tag URIs built from the force, the post id and its first publication date, so
an entry keeps its id when the post is edited or the site moves between hosts it is served on.
"""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import linebreaks

from beatdesk.forces.models import Force
from beatdesk.hub import selectors
from beatdesk.hub.cache import hub_page
from beatdesk.publishing.models import Post

FEED_SIZE = 30
TAG_AUTHORITY = "beatdesk"


def post_title(post: Post) -> str:
    parts = list(post.parts.all())
    first = " ".join(parts[0].text.split()) if parts else ""
    return first[:80] + ("…" if len(first) > 80 else "") or f"Post {post.pk}"


class PostFeed(Feed):
    feed_type = Atom1Feed

    def __init__(self, *, force: Force, title: str, link: str, feed_url: str, posts, subtitle=""):
        super().__init__()
        self.force = force
        self._title = title
        self._link = link
        self._feed_url = feed_url
        self._posts = posts
        self._subtitle = subtitle

    def title(self):
        return self._title

    def subtitle(self):
        return self._subtitle or f"Posts from {self.force.name}, in officers' own words."

    def link(self):
        return self._link

    def feed_url(self):
        return self._feed_url

    def feed_guid(self):
        return f"tag:{TAG_AUTHORITY},2026:{self.force.slug}{self._feed_url}"

    def items(self):
        return self._posts

    def item_title(self, item: Post) -> str:
        return post_title(item)

    def item_description(self, item: Post) -> str:
        # Atom carries this as HTML: the officer's text is escaped, line breaks kept.
        text = "\n\n".join(part.text for part in item.parts.all())
        return linebreaks(f"{text}\n\n{item.signature}", autoescape=True)

    def item_link(self, item: Post) -> str:
        return reverse("hub:post", args=[self.force.slug, item.pk])

    def item_guid(self, item: Post) -> str:
        return f"tag:{TAG_AUTHORITY},{item.published_at:%Y-%m-%d}:{self.force.slug}/posts/{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: Post):
        return item.published_at

    def item_updateddate(self, item: Post):
        return item.edited_at or item.published_at

    def item_author_name(self, item: Post) -> str:
        return item.author.public_name

    def item_author_link(self, item: Post) -> str:
        return reverse("hub:officer", args=[self.force.slug, item.author.slug])

    def item_categories(self, item: Post):
        return [tag.name for tag in item.tags.all()]


def _respond(request: HttpRequest, feed: PostFeed) -> HttpResponse:
    return feed(request)


@hub_page
def force_feed(request: HttpRequest, force: Force) -> HttpResponse:
    posts = selectors.posts_latest(force=force, limit=FEED_SIZE).items
    return _respond(
        request,
        PostFeed(
            force=force,
            title=force.name,
            link=reverse("hub:force-home", args=[force.slug]),
            feed_url=reverse("hub:force-feed", args=[force.slug]),
            posts=posts,
        ),
    )


@hub_page
def district_feed(request: HttpRequest, force: Force, district_slug: str) -> HttpResponse:
    district = selectors.district_by_slug(force=force, slug=district_slug)
    if district is None:
        raise Http404("No such district.")
    posts = selectors.posts_for_district(district=district, limit=FEED_SIZE).items
    return _respond(
        request,
        PostFeed(
            force=force,
            title=f"{district.name}: {force.name}",
            link=reverse("hub:district", args=[force.slug, district.slug]),
            feed_url=reverse("hub:district-feed", args=[force.slug, district.slug]),
            posts=posts,
        ),
    )


@hub_page
def officer_feed(request: HttpRequest, force: Force, officer_slug: str) -> HttpResponse:
    officer = selectors.officer_by_slug(force=force, slug=officer_slug)
    if officer is None:
        raise Http404("No such officer.")
    posts = selectors.posts_for_officer(officer=officer, limit=FEED_SIZE).items
    return _respond(
        request,
        PostFeed(
            force=force,
            title=f"{officer.public_name}: {force.name}",
            link=reverse("hub:officer", args=[force.slug, officer.slug]),
            feed_url=reverse("hub:officer-feed", args=[force.slug, officer.slug]),
            posts=posts,
            subtitle=f"Every post signed by {officer.public_name}, on any account.",
        ),
    )


@hub_page
def topic_feed(request: HttpRequest, force: Force, tag_slug: str) -> HttpResponse:
    tag = selectors.tag_by_slug(force=force, slug=tag_slug)
    if tag is None:
        raise Http404("No such topic.")
    posts = selectors.posts_for_tag(tag=tag, limit=FEED_SIZE).items
    return _respond(
        request,
        PostFeed(
            force=force,
            title=f"{tag.name}: {force.name}",
            link=reverse("hub:topic", args=[force.slug, tag.slug]),
            feed_url=reverse("hub:topic-feed", args=[force.slug, tag.slug]),
            posts=posts,
        ),
    )
