"""The Bluesky connector against a real local Bluesky network (PLC, PDS, AppView)."""

import io
import uuid
from datetime import UTC, datetime

import pytest
from atproto import models
from PIL import Image

from beatdesk.audit.models import AuditEvent
from beatdesk.forces.models import Channel
from beatdesk.networks.base import OutgoingImage, OutgoingPart, OutgoingPost
from beatdesk.networks.registry import transport_for

pytestmark = [pytest.mark.bluesky, pytest.mark.django_db]


def png(width=64, height=48):
    out = io.BytesIO()
    Image.new("RGB", (width, height), (20, 90, 160)).save(out, "PNG")
    return out.getvalue()


def reply_as(client, *, parent, root, text, mention_did=None):
    """Post as a member of the public, answering ``parent`` (and mentioning the account)."""
    facets = None
    if mention_did:
        handle_end = text.index(" ")
        facets = [
            models.AppBskyRichtextFacet.Main(
                index=models.AppBskyRichtextFacet.ByteSlice(byte_start=0, byte_end=handle_end),
                features=[models.AppBskyRichtextFacet.Mention(did=mention_did)],
            )
        ]
    record = models.AppBskyFeedPost.Record(
        text=text,
        created_at=client.get_current_time_iso(),
        facets=facets,
        reply=models.AppBskyFeedPost.ReplyRef(root=root, parent=parent),
    )
    return client.com.atproto.repo.create_record(
        models.ComAtprotoRepoCreateRecord.Data(
            repo=client._session.did, collection="app.bsky.feed.post", record=record
        )
    )


def test_connect_publish_hear_a_reply_and_answer_it_in_the_thread(
    bluesky_network, bluesky_account, bluesky_channel
):
    channel = Channel.objects.get(pk=bluesky_channel.pk)
    assert channel.state == Channel.State.ACTIVE
    assert channel.handle == bluesky_account.handle
    assert channel.config["did"] == bluesky_account.did
    connected = AuditEvent.objects.get(action="channel.connect", object_id=str(channel.pk))
    assert connected.actor.user.username == "admin"

    transport = transport_for(channel)
    sent = transport.publish(
        OutgoingPost(
            key=str(uuid.uuid4()),
            parts=(
                OutgoingPart(
                    text="Road closed on Haxby Road after a collision. Updates: https://example.org/haxby ^JH",
                    images=(
                        OutgoingImage(
                            content=png(),
                            mime_type="image/png",
                            alt_text="Map of Haxby Road with the closed section in red",
                            width=64,
                            height=48,
                        ),
                    ),
                ),
            ),
        )
    )
    assert sent.network_id.startswith(f"at://{bluesky_account.did}/app.bsky.feed.post/")
    assert sent.url.endswith(sent.network_id.rsplit("/", 1)[1])

    resident = bluesky_network.create_account("resident")
    public = resident.client(bluesky_network)
    bluesky_network.process_all()
    ours = public.app.bsky.feed.get_posts(models.AppBskyFeedGetPosts.Params(uris=[sent.network_id]))
    view = ours.posts[0]
    assert view.embed.images[0].alt == "Map of Haxby Road with the closed section in red"
    assert view.embed.images[0].aspect_ratio.width == 64
    link = view.record.facets[0].features[0]
    assert link.uri == "https://example.org/haxby"

    # The public answers and mentions the account: one "mention" notification, a reply in fact.
    ref = models.ComAtprotoRepoStrongRef.Main(uri=view.uri, cid=view.cid)
    question = reply_as(
        public,
        parent=ref,
        root=ref,
        text=f"@{bluesky_account.handle} is the road open for buses yet?",
        mention_did=bluesky_account.did,
    )
    bluesky_network.process_all()

    fetched = transport.fetch(cursor=None)
    assert [m.network_id for m in fetched.messages] == [question.uri]
    heard = fetched.messages[0]
    assert heard.kind == "reply"
    assert heard.in_reply_to == sent.network_id
    assert heard.author_handle == resident.handle
    assert heard.text.endswith("is the road open for buses yet?")
    assert fetched.cursor
    assert transport.fetch(cursor=fetched.cursor).messages == []

    answer = transport.publish(
        OutgoingPost(
            key=str(uuid.uuid4()),
            parts=(OutgoingPart(text="Not yet: buses are diverted via Wigginton Road. ^JH"),),
            reply_to=heard.network_id,
        )
    )
    bluesky_network.process_all()

    thread = public.app.bsky.feed.get_post_thread(
        models.AppBskyFeedGetPostThread.Params(uri=question.uri)
    ).thread
    replies = [r.post for r in thread.replies]
    assert [r.uri for r in replies] == [answer.network_id]
    assert replies[0].author.did == bluesky_account.did
    assert replies[0].record.reply.parent.uri == question.uri
    assert replies[0].record.reply.root.uri == sent.network_id


def test_a_thread_goes_out_as_a_reply_chain(bluesky_network, bluesky_channel):
    transport = transport_for(bluesky_channel)
    sent = transport.publish(
        OutgoingPost(
            key=str(uuid.uuid4()),
            parts=(
                OutgoingPart(text="1/3 Burglary patrols in Haxby this week."),
                OutgoingPart(text="2/3 Lock doors and windows, even when at home."),
                OutgoingPart(text="3/3 Report anything suspicious on 101."),
            ),
        )
    )
    assert len(sent.part_ids) == 3 and sent.network_id == sent.part_ids[0]
    bluesky_network.process_all()
    client = transport.client()
    posts = client.app.bsky.feed.get_posts(
        models.AppBskyFeedGetPosts.Params(uris=list(sent.part_ids))
    ).posts
    by_uri = {p.uri: p for p in posts}
    assert by_uri[sent.part_ids[0]].record.reply is None
    for previous, part in zip(sent.part_ids, sent.part_ids[1:], strict=False):
        reply = by_uri[part].record.reply
        assert reply.parent.uri == previous
        assert reply.root.uri == sent.part_ids[0]


def test_delete_removes_the_post_and_profile_reads_the_account(
    bluesky_network, bluesky_account, bluesky_channel
):
    transport = transport_for(bluesky_channel)
    profile = transport.profile()
    assert profile.handle == bluesky_account.handle
    assert profile.url == f"https://bsky.app/profile/{bluesky_account.handle}"
    sent = transport.publish(
        OutgoingPost(key=str(uuid.uuid4()), parts=(OutgoingPart(text="Posted in error"),))
    )
    transport.delete(sent.network_id)
    post = OutgoingPost(key="gone", parts=(OutgoingPart(text="Posted in error"),))
    assert transport.reconcile(post, sent_after=datetime.now(UTC)) is None
    rkey = sent.network_id.rsplit("/", 1)[1]
    assert transport._get_own(rkey) is None
