from __future__ import annotations

from beatdesk.core.demo import load_demo
from beatdesk.networks.simulated.models import SimulatedPost
from beatdesk.publishing.models import Delivery, Post


def test_the_demo_has_published_posts_by_many_officers(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    load_demo()
    published = Post.objects.filter(force__slug="north-yorkshire", state=Post.State.PUBLISHED)
    assert published.count() >= 12
    assert published.values("author").distinct().count() >= 10
    assert Post.objects.filter(state=Post.State.PENDING_APPROVAL).count() == 1
    assert Post.objects.filter(state=Post.State.SCHEDULED).exclude(scheduled_for=None).count() == 1
    unsent = Delivery.objects.exclude(state=Delivery.State.SENT)
    assert list(unsent.values_list("post__scheduled_for", flat=True).distinct()) != [None]
    assert all(d.post.scheduled_for for d in unsent)  # only the post scheduled for tomorrow
    assert (
        SimulatedPost.objects.count()
        == Delivery.objects.filter(channel__network="simulated", state="sent").count()
    )
