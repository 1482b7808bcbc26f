"""An ambiguous send against the real local network: reconciled, never duplicated."""

import uuid
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from atproto import models

from beatdesk.networks.base import OutcomeUnknown, OutgoingPart, OutgoingPost
from beatdesk.networks.bluesky.transport import BlueskyTransport

pytestmark = [pytest.mark.bluesky, pytest.mark.django_db]


class LoseTheAnswer(httpx.HTTPTransport):
    """Lets createRecord reach the PDS, then drops its answer, as a timeout would.

    With ``then_offline`` the network also stays down afterwards (until ``restore``), so the
    transport cannot read the record back in the same attempt.
    """

    def __init__(self, *, then_offline=False):
        super().__init__()
        self.lost = 0
        self.offline = False
        self.then_offline = then_offline

    def restore(self):
        self.offline = False

    def handle_request(self, request):
        if self.offline:
            raise httpx.ConnectError("network unreachable", request=request)
        response = super().handle_request(request)
        if request.url.path.endswith("/com.atproto.repo.createRecord") and not self.lost:
            response.read()
            self.lost += 1
            self.offline = self.then_offline
            raise httpx.ReadTimeout("no answer within the timeout", request=request)
        return response


def own_posts(transport, text):
    records = transport.client().com.atproto.repo.list_records(
        models.ComAtprotoRepoListRecords.Params(
            repo=transport.did, collection="app.bsky.feed.post", limit=100
        )
    )
    return [r.uri for r in records.records if r.value.text == text]


def test_a_lost_answer_is_read_back_in_the_same_attempt(bluesky_channel):
    lossy = LoseTheAnswer()
    transport = BlueskyTransport(bluesky_channel, http=lossy)
    text = "Collision on the A64: expect delays eastbound."
    post = OutgoingPost(key=str(uuid.uuid4()), parts=(OutgoingPart(text=text),))
    sent = transport.publish(post)
    assert lossy.lost == 1
    assert own_posts(transport, text) == [sent.network_id]


def test_a_send_whose_answer_was_lost_reconciles_and_is_not_sent_twice(bluesky_channel):
    lossy = LoseTheAnswer(then_offline=True)
    transport = BlueskyTransport(bluesky_channel, http=lossy)
    text = "Missing person: have you seen Tom, 14, in York city centre? Call 101."
    post = OutgoingPost(key=str(uuid.uuid4()), parts=(OutgoingPart(text=text),))
    started = datetime.now(UTC)

    with pytest.raises(OutcomeUnknown):
        transport.publish(post)
    assert lossy.lost == 1
    lossy.restore()

    found = transport.reconcile(post, sent_after=started)
    assert found is not None
    assert own_posts(transport, text) == [found.network_id]

    # A worker that sends again anyway (after a crash, say) gets the same post back.
    again = transport.publish(post)
    assert again.network_id == found.network_id
    assert own_posts(transport, text) == [found.network_id]


def test_a_send_that_never_arrived_reconciles_to_nothing(bluesky_channel):
    transport = BlueskyTransport(bluesky_channel)
    post = OutgoingPost(key=str(uuid.uuid4()), parts=(OutgoingPart(text="Never sent"),))
    assert transport.reconcile(post, sent_after=datetime.now(UTC)) is None


def test_a_post_without_our_key_is_found_by_text_and_time(bluesky_network, bluesky_channel):
    transport = BlueskyTransport(bluesky_channel)
    client = transport.client()
    text = "Posted from the Bluesky app during an outage"
    started = datetime.now(UTC)
    made = client.com.atproto.repo.create_record(
        models.ComAtprotoRepoCreateRecord.Data(
            repo=transport.did,
            collection="app.bsky.feed.post",
            record=models.AppBskyFeedPost.Record(
                text=text, created_at=client.get_current_time_iso()
            ),
        )
    )
    bluesky_network.process_all()
    post = OutgoingPost(key=str(uuid.uuid4()), parts=(OutgoingPart(text=text),))
    found = transport.reconcile(post, sent_after=started)
    assert found is not None and found.network_id == made.uri
    # Too old to be this send: not claimed.
    assert transport.reconcile(post, sent_after=started + timedelta(hours=1)) is None
