"""The hub's contact form: the public asks a question or tells us something, without an account.

It says plainly that it is not for emergencies. Spam is kept out without a third-party captcha:
a hidden field that people never fill (bots do), a signed token that shows how long the form was
open (bots post at once), and a limit on how many messages one client may send in a while.
"""

from __future__ import annotations

import logging
import time
import uuid

from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from beatdesk.core.context import current_origin
from beatdesk.forces.models import Account, Channel, Force
from beatdesk.forces.selectors import force_by_slug
from beatdesk.inbox.models import Message
from beatdesk.inbox.services import message_ingest

logger = logging.getLogger("beatdesk.inbox.contact")

TOKEN_SALT = "beatdesk.inbox.contact-form"
REF_SALT = "beatdesk.inbox.contact-ref"
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
    if _over_limit(force):
        return _render(
            request,
            force,
            form=form,
            errors={
                "form": "You have sent several messages in the last few minutes. Please wait "
                f"a while before sending another, or call {force.policy.non_emergency_phone}."
            },
            status=429,
        )
    if request.POST.get(HONEYPOT):
        # Only scripts fill the hidden field; they get the same answer as people, and nothing
        # reaches the desk.
        logger.info("contact form: hidden field filled; dropped")
        return redirect(reverse("hub:inbox-public:contact-sent", args=[force.slug]))
    try:
        started = signing.loads(
            request.POST.get("token", ""), salt=TOKEN_SALT, max_age=MAX_FORM_AGE_SECONDS
        )["t"]
    except (signing.BadSignature, KeyError, TypeError):
        return _render(
            request,
            force,
            form=form,
            errors={"form": "This form was open too long. Please check it and send it again."},
            status=400,
        )
    if time.time() - float(started) < MIN_FILL_SECONDS:
        return _render(
            request,
            force,
            form=form,
            errors={"form": "That was very quick. Please check your message and send it again."},
            status=400,
        )
    errors = {}
    if not form["text"]:
        errors["text"] = "Write your message."
    elif len(form["text"]) > MAX_TEXT:
        errors["text"] = f"Your message is too long: keep it under {MAX_TEXT} characters."
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
        network_id=f"hubform-{uuid.uuid4().hex}",
        text=form["text"],
        author_handle="",
        author_name=form["name"],
        kind=Message.Kind.HUB_FORM,
        sender_email=form["email"],
    )
    ref = signing.dumps(message.pk, salt=REF_SALT)
    return redirect(reverse("hub:inbox-public:contact-sent", args=[force.slug]) + f"?ref={ref}")


def contact_sent(request: HttpRequest, force_slug: str) -> HttpResponse:
    force = _force(force_slug)
    message = None
    try:
        pk = signing.loads(request.GET.get("ref", ""), salt=REF_SALT, max_age=24 * 60 * 60)
        message = Message.objects.filter(force=force, pk=pk).first()
    except signing.BadSignature:
        pass
    return render(
        request,
        "inbox/public/contact_sent.html",
        {
            "force": force,
            "policy": force.policy,
            "canonical": request.build_absolute_uri(request.path),
            "reference": f"HF-{message.pk}" if message else "",
            "is_emergency": bool(message and message.is_emergency),
        },
    )
