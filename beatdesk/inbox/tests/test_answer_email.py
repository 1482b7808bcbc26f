"""Answers to the hub's contact form emailed to senders who gave an address, through the outbox."""

import smtplib
import socket
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

from beatdesk.inbox import services
from beatdesk.inbox.models import Conversation, Message
from beatdesk.inbox.tests.test_contact import post, thread_link
from beatdesk.publishing.models import Delivery
from beatdesk.publishing.outbox import run_outbox

pytestmark = pytest.mark.django_db


class DownBackend(BaseEmailBackend):
    """A mail server that cannot be reached."""

    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


class RefusingBackend(BaseEmailBackend):
    """A mail server that refuses the recipient's address."""

    def send_messages(self, messages):
        raise smtplib.SMTPRecipientsRefused({messages[0].to[0]: (550, b"No such user")})


def mailer(backend: type | None) -> dict:
    """``MAILERS`` with ``backend`` (a class here) as the default; None: Django's test one."""
    path = (
        f"{__name__}.{backend.__name__}"
        if backend
        else "django.core.mail.backends.locmem.EmailBackend"
    )
    return {"default": {"BACKEND": path}}


@pytest.fixture
def email_on(settings):
    settings.EMAIL_ANSWERS = True
    settings.DEFAULT_FROM_EMAIL = "no-reply@nyp.example"
    settings.PUBLIC_URL = "https://hub.example.org"
    return settings


def answer(officer, text="It is locked at 10pm; the attendant will let you out."):
    conversation = Conversation.objects.get()
    return services.reply_send(
        actor=officer, conversation=conversation, text=text,
        expected_version=conversation.version,
    )  # fmt: skip


def test_an_answer_is_emailed_with_the_reference_and_the_private_link(
    client, force, officer_york, email_on
):
    response = post(client, force, email="ann@example.org", name="Ann",
                    text="Is Bootham car park locked overnight?")  # fmt: skip
    link = thread_link(client, response)
    first = Message.objects.get()
    reply = answer(
        officer_york,
        text='It is locked at 10pm; the attendant will let you out. Ask at the "Gate <B>" '
        "hut & say it's for the car park.",
    )
    assert mail.outbox == []  # the outbox sends it, not the request
    run_outbox()
    assert Delivery.objects.get().state == Delivery.State.SENT
    (email,) = mail.outbox
    assert email.to == ["ann@example.org"]
    assert email.from_email == "York Police <no-reply@nyp.example>"
    assert email.subject == f"York Police: an answer to your message (HF-{first.pk})"
    assert email.body.startswith(reply.signed_text + "\n")
    assert f"reference HF-{first.pk}" in email.body
    assert f"Read the conversation and write back: https://hub.example.org{link}" in email.body
    assert "call 999" in email.body and "call 101" in email.body
    # Plain text: what the officer wrote, never escaped as HTML.
    assert 'Ask at the "Gate <B>" hut & say it\'s for the car park.' in email.body
    assert "&amp;" not in email.body and "&quot;" not in email.body and "&lt;" not in email.body
    assert "attendant will let you out" in client.get(link).content.decode()


def test_without_an_address_or_a_mail_server_nothing_is_emailed(
    client, force, officer_york, email_on
):
    post(client, force, text="Is Bootham car park locked overnight?")
    answer(officer_york)
    run_outbox()
    assert Delivery.objects.get().state == Delivery.State.SENT
    assert mail.outbox == []

    Message.objects.all().delete()
    Conversation.objects.all().delete()
    email_on.EMAIL_ANSWERS = False
    post(client, force, email="ann@example.org", text="And on Sundays?")
    answer(officer_york, text="Yes, on Sundays too.")
    run_outbox()
    assert mail.outbox == []


def test_the_automatic_emergency_guidance_is_not_emailed(client, force, email_on):
    force.policy.auto_emergency_reply = "private"
    force.policy.save()
    post(client, force, email="ann@example.org",
         text="my dad has collapsed and is not breathing, help")  # fmt: skip
    run_outbox()
    assert Message.objects.filter(is_automatic=True).exists()
    assert mail.outbox == []


def test_a_mail_server_that_is_down_holds_the_answer_and_it_is_tried_again(
    client, force, officer_york, email_on
):
    link = thread_link(client, post(client, force, email="ann@example.org",
                                    text="Is Bootham car park locked overnight?"))  # fmt: skip
    answer(officer_york)
    email_on.MAILERS = mailer(DownBackend)
    run_outbox()
    delivery = Delivery.objects.get()
    assert delivery.state == Delivery.State.RETRY_WAIT
    assert "mail server did not take the email" in delivery.last_error
    assert "attendant will let you out" not in client.get(link).content.decode()

    email_on.MAILERS = mailer(None)
    Delivery.objects.update(due_at=timezone.now() - timedelta(seconds=1))
    run_outbox()
    assert Delivery.objects.get().state == Delivery.State.SENT
    assert len(mail.outbox) == 1
    assert "attendant will let you out" in client.get(link).content.decode()


def test_an_address_the_mail_server_refuses_still_leaves_the_answer_at_the_link(
    client, force, officer_york, email_on, caplog
):
    link = thread_link(client, post(client, force, email="nobody@example.org",
                                    text="Is Bootham car park locked overnight?"))  # fmt: skip
    email_on.MAILERS = mailer(RefusingBackend)
    answer(officer_york)
    run_outbox()
    assert Delivery.objects.get().state == Delivery.State.SENT
    assert "refused the sender's address" in caplog.text
    assert "nobody@example.org" not in caplog.text  # no personal data in the logs
    assert "attendant will let you out" in client.get(link).content.decode()


def test_the_answer_reaches_a_real_mail_server_as_configured(client, force, officer_york, settings):
    """Through Django's SMTP backend, configured as settings.py configures it, to a mail
    server on this machine (aiosmtpd): headers, encoding and the envelope as sent."""
    from email import message_from_bytes, policy

    from aiosmtpd.controller import Controller

    received = []

    class Handler:
        async def handle_DATA(self, server, session, envelope):  # the name aiosmtpd calls
            received.append(envelope)
            return "250 OK"

    with socket.socket() as probe:  # a free port (the controller cannot start on port 0)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        settings.MAILERS = {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {"host": "127.0.0.1", "port": port,
                            "use_tls": False, "use_ssl": False, "timeout": 5},
            }
        }  # fmt: skip
        settings.EMAIL_ANSWERS = True
        settings.DEFAULT_FROM_EMAIL = "no-reply@nyp.example"
        settings.PUBLIC_URL = "https://hub.example.org"
        post(client, force, email="zoe@example.org", name="Zoë",
             text="Is the Bootham car park locked overnight?")  # fmt: skip
        answer(officer_york, text="Yes — at 10pm. The attendant’s number is on the gate.")
        run_outbox()
    finally:
        controller.stop()
    assert Delivery.objects.get().state == Delivery.State.SENT
    (envelope,) = received
    assert envelope.rcpt_tos == ["zoe@example.org"]
    parsed = message_from_bytes(envelope.original_content, policy=policy.default)
    assert parsed["From"] == "York Police <no-reply@nyp.example>"
    assert "an answer to your message (HF-" in parsed["Subject"]
    body = parsed.get_body().get_content()
    assert "Yes — at 10pm. The attendant’s number is on the gate." in body
    assert "https://hub.example.org/north-yorkshire/contact/c/" in body


def test_the_officer_is_told_where_a_reply_to_a_form_sender_reaches_them(
    client, force, officer_york, settings
):
    from django.test import Client
    from django.urls import reverse

    from beatdesk.core.testing import login

    post(client, force, email="ann@example.org", text="Is Bootham car park locked overnight?")
    post(client, force, text="Where do I hand in a lost wallet?")
    with_email, without = Conversation.objects.order_by("pk")
    desk = Client()
    login(desk, officer_york)

    def hint(conversation):
        html = desk.get(reverse("inbox:conversation", args=[conversation.pk])).content.decode()
        return html[
            html.index('id="reply-hint"') : html.index("</span>", html.index('id="reply-hint"'))
        ]

    settings.EMAIL_ANSWERS = True
    assert "private link the hub gave them, and it is emailed to them." in hint(with_email)
    assert "private link the hub gave them (they left no email address)." in hint(without)
    settings.EMAIL_ANSWERS = False
    assert "they left an email address, but this site sends no email" in hint(with_email)
    # A conversation from a network says nothing of the sort.
    york = force.accounts.get(slug="york")
    from beatdesk.inbox.services import message_ingest

    mention = message_ingest(force=force, channel=york.channels.get(network="simulated"),
                             account=york, network_id="sim-1", text="Road closed?",
                             author_handle="someone")  # fmt: skip
    assert "private link" not in hint(mention.conversation)
