"""Posts for the hub's tests, made the way a published post looks in the database.

The publishing services live on their own branch; until they arrive here, ``make_post``
writes the same rows they do and then calls the search hook they call (``index_post``).
"""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone
from django.utils.text import slugify

from beatdesk.hub.cache import forget_versions
from beatdesk.hub.search import index_post
from beatdesk.publishing.models import Post, PostPart, Tag

_tokens = itertools.count(1)


@pytest.fixture(autouse=True)
def hub_page_cache(settings):
    """The hub's own tests run with the page cache on, as production does."""
    settings.HUB_PAGE_CACHE = True
    settings.HUB_FRESHNESS_SECONDS = 0
    cache.clear()
    forget_versions()
    yield
    cache.clear()
    forget_versions()


def create_post(
    *,
    account,
    author,
    texts=("A post from the team.",),
    tags=(),
    state=Post.State.PUBLISHED,
    is_urgent=False,
    published_at=None,
    index=True,
):
    post = Post.objects.create(
        force_id=account.force_id,
        account=account,
        author=author,
        state=state,
        signature="^" + author.initials,
        is_urgent=is_urgent,
        published_at=published_at or (timezone.now() if state == Post.State.PUBLISHED else None),
        client_token=f"t{next(_tokens)}",
    )
    for position, text in enumerate(texts):
        PostPart.objects.create(post=post, position=position, text=text)
    for name in tags:
        tag, _ = Tag.objects.get_or_create(
            force_id=account.force_id, slug=slugify(name), defaults={"name": name}
        )
        post.tags.add(tag)
    if index:
        index_post(post)
    return post


def set_state(post, state):
    """A takedown or deletion as the publishing service records it: the post is saved."""
    post.state = state
    post.removed_at = timezone.now()
    post.save()
    return post


@pytest.fixture
def make_post():
    return create_post


@pytest.fixture
def minutes_ago():
    return lambda n: timezone.now() - timedelta(minutes=n)
