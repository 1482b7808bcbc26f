"""The hub's contact form: the public asks a question or tells us something, without an account.

It says plainly that it is not for emergencies. Spam is kept out without a third-party captcha:
a hidden field that people never fill (bots do), a signed token that shows how long the form was
open (bots post at once), and a limit on how many messages one client may send in a while.

The confirmation gives the sender a private link to their conversation (a signed token that
names its first message): there they read the answers the desk has sent and write back, into
the same conversation, through the same checks. Nobody needs an account or an email address
to be answered.
"""

from __future__ import annotations

import logging
import time
import uuid
from dataclasses import dataclass

from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from beatdesk.core.context import current_origin
from beatdesk.forces.models import Account, Channel, Force
from beatdesk.forces.selectors import force_by_slug
from beatdesk.inbox.models import Message
from beatdesk.inbox.selectors import form_thread_start
from beatdesk.inbox.services import message_ingest
from beatdesk.publishing.models import Delivery

logger = logging.getLogger("beatdesk.inbox.contact")

TOKEN_SALT = "beatdesk.inbox.contact-form"
REF_SALT = "beatdesk.inbox.contact-ref"
THREAD_SALT = "beatdesk.inbox.contact-thread"
# People take longer than this to write anything; scripts post the moment they load the page.
MIN_FILL_SECONDS = 3
MAX_FORM_AGE_SECONDS = 2 * 60 * 60
RATE_LIMIT = 5
RATE_WINDOW_SECONDS = 10 * 60
MAX_TEXT = 5000
HONEYPOT = "website"


def _force(force_slug: str) -> Force:
    force = force_by_slug(force_slug)
    if force is None:
        raise Http404("No such force.")
    return force


def _accounts(force: Force) -> list[Account]:
    """Accounts the public can write to: those with a channel on the hub."""
    return list(
        Account.objects.filter(force=force, is_active=True, channels__network=Channel.Network.HUB)
        .exclude(kind=Account.Kind.INDIVIDUAL)
        .select_related("district")
        .order_by("kind", "name")
    )


def _token() -> str:
    return signing.dumps({"t": time.time()}, salt=TOKEN_SALT)


def _client_key(force: Force) -> str:
    return f"inbox:contact-rate:{force.pk}:{current_origin().ip or 'unknown'}"


def _over_limit(force: Force) -> bool:
    """Count this submission; True when the client has sent too many lately."""
    key = _client_key(force)
    if cache.add(key, 1, timeout=RATE_WINDOW_SECONDS):
        return False
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=RATE_WINDOW_SECONDS)
        return False
    return count > RATE_LIMIT


def _render(request, force, *, form, errors, status=200):
    policy = force.policy
    return render(
        request,
        "inbox/public/contact.html",
        {
            "force": force,
            "policy": policy,
            "canonical": request.build_absolute_uri(request.path),
            "accounts": _accounts(force),
            "form": form,
            "errors": errors,
            "token": _token(),
            "max_text": MAX_TEXT,
        },
        status=status,
    )


@dataclass(frozen=True)
class _Refusal:
    """Why a message from the public is not read: said to the sender, with the status. With
    no error it is dropped silently (the sender gets the same answer as a person)."""

    error: str
    status: int = 400


def _refusal(request: HttpRequest, force: Force) -> _Refusal | None:
    """The checks every message from the public passes before its fields are read (the
    contact form and a write-back alike): the rate limit, the hidden field, the form's age."""
    if _over_limit(force):
        return _Refusal(
            "You have sent several messages in the last few minutes. Please wait a while "
            f"before sending another, or call {force.policy.non_emergency_phone}.",
            status=429,
        )
    if request.POST.get(HONEYPOT):
        # Only scripts fill the hidden field; nothing they send reaches the desk.
        logger.info("contact form: hidden field filled; dropped")
        return _Refusal("", status=302)
    try:
        started = signing.loads(
            request.POST.get("token", ""), salt=TOKEN_SALT, max_age=MAX_FORM_AGE_SECONDS
        )["t"]
    except (signing.BadSignature, KeyError, TypeError):
        return _Refusal("This form was open too long. Please check it and send it again.")
    if time.time() - float(started) < MIN_FILL_SECONDS:
        return _Refusal("That was very quick. Please check your message and send it again.")
    return None


def _text_error(text: str) -> str | None:
    if not text:
        return "Write your message."
    if len(text) > MAX_TEXT:
        return f"Your message is too long: keep it under {MAX_TEXT} characters."
    return None


def contact(request: HttpRequest, force_slug: str) -> HttpResponse:
    force = _force(force_slug)
    if request.method != "POST":
        # A district's hub page links here with its account chosen (?account=<slug>).
        return _render(request, force, form={"account": request.GET.get("account", "")}, errors={})
    form = {
        "name": request.POST.get("name", "").strip()[:100],
        "email": request.POST.get("email", "").strip()[:254],
        "account": request.POST.get("account", ""),
        "text": request.POST.get("text", "").strip(),
    }
    refusal = _refusal(request, force)
    if refusal is not None and not refusal.error:
        return redirect(reverse("hub:inbox-public:contact-sent", args=[force.slug]))
    if refusal is not None:
        return _render(
            request, force, form=form, errors={"form": refusal.error}, status=refusal.status
        )
    errors = {}
    text_error = _text_error(form["text"])
    if text_error:
        errors["text"] = text_error
    if form["email"]:
        try:
            validate_email(form["email"])
        except ValidationError:
            errors["email"] = "Enter an email address like name@example.com, or leave it empty."
    accounts = {a.slug: a for a in _accounts(force)}
    account = accounts.get(form["account"])
    if account is None:
        account = next((a for a in accounts.values() if a.kind == Account.Kind.FORCE), None)
        if form["account"] or account is None:
            errors["account"] = "Choose the area your message is about."
    if errors:
        return _render(request, force, form=form, errors=errors, status=400)
    channel = account.channels.filter(network=Channel.Network.HUB).first()
    message = message_ingest(
        force=force,
        channel=channel,
        account=account,
        network_id=f"{Message.FORM_ID_PREFIX}{uuid.uuid4().hex}",
        text=form["text"],
        author_handle="",
        author_name=form["name"],
        kind=Message.Kind.HUB_FORM,
        sender_email=form["email"],
    )
    ref = signing.dumps(message.pk, salt=REF_SALT)
    return redirect(reverse("hub:inbox-public:contact-sent", args=[force.slug]) + f"?ref={ref}")


def _sent_message(request: HttpRequest, force: Force) -> Message | None:
    """The message just sent, named by the signed ``?ref=`` its confirmation carries."""
    try:
        pk = signing.loads(request.GET.get("ref", ""), salt=REF_SALT, max_age=24 * 60 * 60)
    except signing.BadSignature:
        return None
    return Message.objects.filter(force=force, pk=pk).select_related("conversation").first()


def _private(response: HttpResponse) -> HttpResponse:
    """A page only its link opens: never stored, never indexed, its address never passed to
    another site (``same-origin``: with ``no-referrer`` a browser posts its form as from a
    null origin, which CSRF protection refuses)."""
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def contact_sent(request: HttpRequest, force_slug: str) -> HttpResponse:
    force = _force(force_slug)
    message = _sent_message(request, force)
    thread_url = ""
    if message is not None:
        first = form_thread_start(conversation=message.conversation)
        thread_url = thread_path(force, first or message)
    return _private(
        render(
            request,
            "inbox/public/contact_sent.html",
            {
                "force": force,
                "policy": force.policy,
                "canonical": request.build_absolute_uri(request.path),
                "reference": f"HF-{message.pk}" if message else "",
                "is_emergency": bool(message and message.is_emergency),
                "thread_url": thread_url,
            },
        )
    )


def thread_path(force: Force, first: Message) -> str:
    """The private link to the conversation ``first`` began (a path on the hub): the same
    link every time."""
    token = signing.Signer(salt=THREAD_SALT).sign(str(first.pk))
    return reverse("hub:inbox-public:contact-thread", args=[force.slug, token])


def _thread_start(force: Force, token: str) -> Message:
    """The first message of the conversation a private link opens, or 404."""
    try:
        pk = signing.Signer(salt=THREAD_SALT).unsign(token)
    except signing.BadSignature:
        pk = ""
    first = (
        Message.objects.filter(
            force=force, pk=int(pk), kind=Message.Kind.HUB_FORM, direction=Message.Direction.IN
        )
        .select_related("conversation", "channel", "account")
        .first()
        if pk.isdigit()
        else None
    )
    if first is None:
        raise Http404("This link does not open a conversation, or it is no longer kept.")
    return first


def _thread(first: Message) -> list[Message]:
    """What the sender sees of their conversation: what they wrote through the hub, and the
    answers the desk has sent (never a draft, a failed send or a staff note)."""
    return list(
        first.conversation.messages.filter(
            Q(direction=Message.Direction.IN, kind=Message.Kind.HUB_FORM)
            | Q(direction=Message.Direction.OUT, delivery__state=Delivery.State.SENT)
        ).select_related("account")
    )


def contact_thread(request: HttpRequest, force_slug: str, token: str) -> HttpResponse:
    """The sender's conversation, by the private link their confirmation gave: the answers
    sent, and a form to write back into the same conversation."""
    force = _force(force_slug)
    first = _thread_start(force, token)
    here = thread_path(force, first)
    form, errors, status = {"text": ""}, {}, 200
    if request.method == "POST":
        form["text"] = request.POST.get("text", "").strip()
        refusal = _refusal(request, force)
        if refusal is not None and not refusal.error:
            return redirect(here)
        if refusal is not None:
            errors, status = {"form": refusal.error}, refusal.status
        elif text_error := _text_error(form["text"]):
            errors, status = {"text": text_error}, 400
        else:
            thread = _thread(first)
            answered = next((m for m in reversed(thread) if m.network_id), first)
            message = message_ingest(
                force=force,
                channel=first.channel,
                account=first.account,
                network_id=f"{Message.FORM_ID_PREFIX}{uuid.uuid4().hex}",
                in_reply_to=answered.network_id,
                text=form["text"],
                author_handle="",
                author_name=first.author_name,
                kind=Message.Kind.HUB_FORM,
                sender_email=first.sender_email,
            )
            ref = signing.dumps(message.pk, salt=REF_SALT)
            return redirect(f"{here}?ref={ref}#sent")
    sent = _sent_message(request, force)
    thread = _thread(first)
    return _private(
        render(
            request,
            "inbox/public/contact_thread.html",
            {
                "force": force,
                "policy": force.policy,
                "canonical": request.build_absolute_uri(here),
                "first": first,
                "thread": thread,
                "answered": any(m.direction == Message.Direction.OUT for m in thread),
                "sent": sent if sent and sent.conversation_id == first.conversation_id else None,
                "form": form,
                "errors": errors,
                "token": _token(),
                "max_text": MAX_TEXT,
            },
            status=status,
        )
    )
