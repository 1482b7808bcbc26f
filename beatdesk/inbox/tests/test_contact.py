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


# The sender's private link: reading the answers and writing back.


def thread_link(client, response) -> str:
    """The private link on the confirmation a sent form redirects to."""
    import re

    receipt = client.get(response["Location"]).content.decode()
    found = re.search(r'<a href="(/north-yorkshire/contact/c/[^"]+)">Your conversation', receipt)
    assert found, receipt
    return found.group(1)


def write_back(client, link, **fields):
    data = {"token": aged_token(), "text": "Thanks, and is it locked on Sundays too?"}
    data.update(fields)
    return client.post(link, data)


def test_the_sender_reads_the_answers_sent_at_a_private_link_and_nothing_else(
    client, force, officer_york
):
    from beatdesk.inbox import services
    from beatdesk.inbox.models import Note
    from beatdesk.publishing.models import Delivery
    from beatdesk.publishing.outbox import run_outbox

    link = thread_link(client, post(client, force, text="Is Bootham car park locked overnight?"))
    first = Message.objects.get()
    page = client.get(link)
    html = page.content.decode()
    assert "Is Bootham car park locked overnight?" in html
    assert "We have not answered yet" in html
    assert page["Cache-Control"] == "no-store"
    assert page["X-Robots-Tag"] == "noindex, nofollow"
    assert page["Referrer-Policy"] == "same-origin"  # a null origin would fail CSRF on write-back

    conversation = first.conversation
    Note.objects.create(
        force=force, conversation=conversation, author=officer_york, text="Staff only: grumpy"
    )
    reply = services.reply_send(
        actor=officer_york,
        conversation=conversation,
        text="It is locked at 10pm; the attendant will let you out.",
        expected_version=conversation.version,
    )
    # Queued, not yet sent: the sender is not shown a reply that has not gone out.
    assert "locked at 10pm" not in client.get(link).content.decode()
    run_outbox()
    assert Delivery.objects.get().state == Delivery.State.SENT
    html = client.get(link).content.decode()
    assert "locked at 10pm; the attendant will let you out." in html
    assert reply.signature and reply.signature in html  # signed as on any network
    assert "York Police" in html
    assert "Staff only" not in html and "We have not answered yet" not in html


def test_the_private_link_is_the_same_every_time_and_cannot_be_guessed_or_moved(
    client, force, other_force
):
    response = post(client, force, text="Where do I hand in a lost wallet?")
    link = thread_link(client, response)
    assert link == thread_link(client, response)
    first = Message.objects.get()
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert token.startswith(f"{first.pk}:")
    forged = link.replace(f"/c/{first.pk}:", f"/c/{first.pk + 1}:")
    assert client.get(forged).status_code == 404
    assert client.get(link[:-3] + "AA/").status_code == 404
    assert client.get(link.replace("north-yorkshire", other_force.slug)).status_code == 404
    # A private link opens a conversation begun through the form, never a reply of ours.
    reply = Message.objects.create(
        force=force,
        conversation=first.conversation,
        channel=first.channel,
        account=first.account,
        direction=Message.Direction.OUT,
        kind=first.kind,
        text="ours",
        received_at=first.received_at,
    )
    ours = public_views.thread_path(force, reply)
    assert client.get(ours).status_code == 404


def test_writing_back_joins_the_conversation_and_reopens_it(client, force):
    link = thread_link(client, post(client, force, name="Ann", email="ann@example.org",
                                    text="Is Bootham car park locked overnight?"))  # fmt: skip
    conversation = Conversation.objects.get()
    Conversation.objects.filter(pk=conversation.pk).update(status=Conversation.Status.RESOLVED)
    response = write_back(client, link)
    assert response.status_code == 302 and response["Location"].startswith(link + "?ref=")
    later = Message.objects.latest("pk")
    assert later.conversation_id == conversation.pk
    assert later.kind == "hub_form" and later.author_name == "Ann"
    assert later.sender_email == "ann@example.org"
    conversation.refresh_from_db()
    assert conversation.status != Conversation.Status.RESOLVED
    page = client.get(response["Location"]).content.decode()
    assert f"Your message has been sent (reference <strong>HF-{later.pk}</strong>)" in page
    assert page.index("locked overnight?") < page.index("locked on Sundays too?")
    assert Conversation.objects.count() == 1


def test_writing_back_an_emergency_is_flagged_and_told_to_call_999(client, force):
    link = thread_link(client, post(client, force, text="Is Bootham car park locked overnight?"))
    response = write_back(client, link, text="he is back and he has a knife, he's at the door now")
    assert Conversation.objects.get().is_emergency
    page = client.get(response["Location"]).content.decode()
    assert 'id="emergency-guidance"' in page and "call 999 straight away" in page


def test_writing_back_passes_the_forms_checks_and_loses_nothing(client, force):
    link = thread_link(client, post(client, force, text="Is Bootham car park locked overnight?"))
    fresh = signing.dumps({"t": time.time()}, salt=public_views.TOKEN_SALT)
    quick = write_back(client, link, token=fresh, text="Sent at once")
    assert quick.status_code == 400
    html = quick.content.decode()
    assert "very quick" in html and ">Sent at once</textarea>" in html  # kept to send again
    empty = write_back(client, link, text="   ")
    assert empty.status_code == 400 and "Write your message." in empty.content.decode()
    assert write_back(client, link, website="http://spam.example").status_code == 302
    assert Message.objects.count() == 1
