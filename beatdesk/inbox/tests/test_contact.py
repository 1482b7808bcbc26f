"""The hub's contact form: no account, not for emergencies, rate-limited, spam-resistant."""

import time

import pytest
from django.core import signing
from django.urls import reverse

from beatdesk.inbox import public_views
from beatdesk.inbox.models import Conversation, Message

pytestmark = pytest.mark.django_db


def url(force):
    return reverse("hub:inbox-public:contact", args=[force.slug])


def aged_token(seconds: float = 10) -> str:
    return signing.dumps({"t": time.time() - seconds}, salt=public_views.TOKEN_SALT)


def post(client, force, **fields):
    data = {"token": aged_token(), "account": "york", "text": "Can I ask about parking?"}
    data.update(fields)
    return client.post(url(force), data)


def test_the_form_says_it_is_not_for_emergencies_and_gives_101_and_online_reporting(client, force):
    page = client.get(url(force)).content.decode()
    assert "Not for emergencies" in page
    assert "call 999" in page
    assert "101" in page
    assert 'href="https://example.org/report"' in page
    assert 'name="website"' in page  # the hidden field people never fill


def test_a_message_is_received_triaged_and_confirmed(client, force):
    response = post(client, force, name="Ann", email="ann@example.org",
                    text="Lots of speeding cars on the main street in Haxby?")  # fmt: skip
    assert response.status_code == 302
    message = Message.objects.get()
    assert message.kind == "hub_form" and message.channel.network == "hub"
    assert message.account.slug == "york" and message.district.slug == "york"
    assert message.sender_email == "ann@example.org" and message.author_name == "Ann"
    assert message.conversation.is_private
    receipt = client.get(response["Location"]).content.decode()
    assert f"HF-{message.pk}" in receipt
    assert "We have received your message" in receipt


def test_an_emergency_sent_through_the_form_is_flagged_and_told_to_call_999(client, force):
    response = post(client, force, text="my dad has collapsed and is not breathing, help")
    assert Conversation.objects.get().is_emergency
    receipt = client.get(response["Location"]).content.decode()
    assert 'id="emergency-guidance"' in receipt and "call 999 straight away" in receipt


def test_the_hidden_field_drops_bots_quietly(client, force):
    response = post(client, force, website="http://spam.example")
    assert response.status_code == 302
    assert not Message.objects.exists()


def test_a_form_posted_at_once_is_refused(client, force):
    fresh = signing.dumps({"t": time.time()}, salt=public_views.TOKEN_SALT)
    response = post(client, force, token=fresh)
    assert response.status_code == 400
    assert "very quick" in response.content.decode()
    assert not Message.objects.exists()


def test_a_forged_or_missing_token_is_refused(client, force):
    assert post(client, force, token="nonsense").status_code == 400
    assert post(client, force, token="").status_code == 400
    assert not Message.objects.exists()


def test_one_client_is_limited_to_a_few_messages(client, force):
    for n in range(public_views.RATE_LIMIT):
        assert post(client, force, text=f"Question number {n}?").status_code == 302
    limited = post(client, force, text="One more question?")
    assert limited.status_code == 429
    assert "wait" in limited.content.decode()
    assert Message.objects.count() == public_views.RATE_LIMIT


def test_another_client_is_not_limited_by_the_first(client, force):
    for n in range(public_views.RATE_LIMIT + 1):
        post(client, force, text=f"Question {n}?")
    other = client.post(
        url(force),
        {"token": aged_token(), "account": "york", "text": "From another house?"},
        REMOTE_ADDR="10.9.9.9",
    )
    assert other.status_code == 302


def test_invalid_fields_are_explained_and_nothing_is_stored(client, force):
    response = post(client, force, text="", email="not-an-email", account="nowhere")
    page = response.content.decode()
    assert response.status_code == 400
    assert "Write your message." in page
    assert "Enter an email address" in page
    assert "Choose the area" in page
    assert not Message.objects.exists()


def test_a_hostile_message_is_escaped_on_the_receipt_and_desk(client, force, officer_york):
    from beatdesk.core.testing import login

    post(client, force, name='<script>alert("x")</script>', text="<b>bold</b> question?")
    login(client, officer_york)
    page = client.get(
        reverse("inbox:conversation", args=[Conversation.objects.get().pk])
    ).content.decode()
    assert '<script>alert("x")</script>' not in page and "<b>bold</b>" not in page
    assert "&lt;b&gt;bold&lt;/b&gt;" in page


@pytest.mark.xfail(
    strict=True,
    reason="the hub transport (networks/hub/transport.py) refuses replies: 'The hub publishes "
    "posts only, not replies.' A reply to a hub-form message needs it to accept one.",
)
def test_a_reply_to_a_hub_form_message_is_delivered_on_the_hub(client, force, officer_york):
    from beatdesk.core.testing import login
    from beatdesk.publishing.outbox import run_outbox

    post(client, force, email="ann@example.org", text="When is the next beat surgery?")
    conversation = Conversation.objects.get()
    login(client, officer_york)
    client.post(
        reverse("inbox:reply", args=[conversation.pk]),
        {"text": "Thursday at 6pm in the library.", "version": conversation.version},
    )
    run_outbox()
    reply = Message.objects.get(direction="out")
    assert reply.channel.network == "hub"
    assert reply.delivery.state == "sent", reply.delivery.last_error
