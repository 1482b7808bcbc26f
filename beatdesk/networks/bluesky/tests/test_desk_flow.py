"""The whole desk flow on the real local Bluesky network: an officer's post goes out through the
outbox, the public's reply comes into the inbox through the poll, and the officer's answer goes
back out threaded under it."""

import io
import uuid

import pytest
from atproto import models
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from beatdesk.forces.models import Channel
from beatdesk.inbox.models import Message
from beatdesk.inbox.services import reply_send
from beatdesk.jobs.registry import run_due
from beatdesk.publishing.models import Delivery
from beatdesk.publishing.services import ImageInput, PartInput, post_create

from .test_end_to_end import reply_as

pytestmark = [pytest.mark.bluesky, pytest.mark.django_db]


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def photo():
    out = io.BytesIO()
    Image.new("RGB", (320, 240), (200, 40, 40)).save(out, "JPEG")
    return SimpleUploadedFile("cordon.jpg", out.getvalue(), content_type="image/jpeg")


def test_post_hear_the_public_and_answer_from_the_desk(
    bluesky_network, bluesky_account, bluesky_channel, officer_york, account
):
    post = post_create(
        actor=officer_york,
        account=account("york"),
        parts=[
            PartInput(
                text="Cordon on Stonegate while we deal with an incident. Please avoid the area.",
                images=[ImageInput(upload=photo(), alt_text="Police tape across Stonegate")],
            )
        ],
        client_token=str(uuid.uuid4()),
    )
    run_due(only={"publishing.outbox"})
    delivery = post.deliveries.get(channel=bluesky_channel, action=Delivery.Action.PUBLISH)
    assert delivery.state == Delivery.State.SENT, delivery.last_error
    assert delivery.network_id.startswith(f"at://{bluesky_account.did}/")

    resident = bluesky_network.create_account("resident")
    public = resident.client(bluesky_network)
    bluesky_network.process_all()
    ours = public.app.bsky.feed.get_posts(
        models.AppBskyFeedGetPosts.Params(uris=[delivery.network_id])
    ).posts[0]
    assert ours.record.text.endswith("^JH")  # the officer's signature went out with it
    assert ours.embed.images[0].alt == "Police tape across Stonegate"

    ref = models.ComAtprotoRepoStrongRef.Main(uri=ours.uri, cid=ours.cid)
    question = reply_as(
        public,
        parent=ref,
        root=ref,
        text=f"@{bluesky_account.handle} can I still get to my flat on Stonegate?",
        mention_did=bluesky_account.did,
    )
    bluesky_network.process_all()

    assert run_due(only={"networks.poll.frequent"}) == 1
    heard = Message.objects.select_related("conversation").get(
        channel=bluesky_channel, network_id=question.uri
    )
    assert heard.kind == Message.Kind.REPLY
    assert heard.author_handle == resident.handle
    assert heard.in_reply_to == delivery.network_id
    channel = Channel.objects.get(pk=bluesky_channel.pk)
    assert channel.config["cursor"]
    assert run_due(only={"networks.poll.frequent"}) == 0  # nothing new since the stored cursor

    conversation = heard.conversation
    answer = reply_send(
        actor=officer_york,
        conversation=conversation,
        text="Yes: show the officer at the cordon your address and they will walk you through.",
        expected_version=conversation.version,
    )
    run_due(only={"publishing.outbox"})
    answer.refresh_from_db()
    assert answer.delivery.state == Delivery.State.SENT, answer.delivery.last_error
    assert answer.network_id

    bluesky_network.process_all()
    thread = public.app.bsky.feed.get_post_thread(
        models.AppBskyFeedGetPostThread.Params(uri=question.uri)
    ).thread
    replies = [r.post for r in thread.replies]
    assert [r.uri for r in replies] == [answer.network_id]
    assert replies[0].author.did == bluesky_account.did
    assert replies[0].record.text.startswith("Yes: show the officer at the cordon")
    assert replies[0].record.reply.root.uri == delivery.network_id
    # Our own answer is not heard back as a new message from the public.
    assert run_due(only={"networks.poll.frequent"}) == 0
