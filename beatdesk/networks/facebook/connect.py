"""Connecting a Facebook Page with a Page access token, and receiving its webhooks."""

from __future__ import annotations

import json
import logging

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from beatdesk.core.views import officer_required
from beatdesk.forces.models import Account, Channel
from beatdesk.networks.base import AuthError, TransportError
from beatdesk.networks.connect import account_to_connect
from beatdesk.networks.facebook.transport import FacebookTransport
from beatdesk.networks.facebook.webhooks import messages_from_payload, signature_valid
from beatdesk.networks.services import channel_connect
from beatdesk.people.reauth import recent_auth_required

logger = logging.getLogger("beatdesk.networks")


def facebook_channel_connect(*, actor, account: Account, page_id: str, page_token: str) -> Channel:
    """Check the Page token by reading the Page, then connect the channel."""
    page_id, page_token = page_id.strip(), page_token.strip()
    if not page_id.isdigit():
        raise ValidationError(
            "The Page ID is the number in the Page's About section, such as 1234567890."
        )
    if not page_token:
        raise ValidationError("Paste the Page access token.")
    transport = FacebookTransport(page_id=page_id, page_token=page_token)
    try:
        profile = transport.profile()
    except AuthError as exc:
        raise ValidationError(f"Facebook did not accept that Page token: {exc}") from exc
    except TransportError as exc:
        raise ValidationError(f"Could not reach Facebook, nothing was saved: {exc}") from exc
    if profile.handle != page_id:
        raise ValidationError("That token belongs to a different Page.")
    return channel_connect(
        actor=actor,
        account=account,
        network=Channel.Network.FACEBOOK,
        credentials={"page_token": page_token},
        config={"page_id": page_id},
        handle=profile.display_name or page_id,
        profile_url=profile.url,
    )


@officer_required
@recent_auth_required
def connect_page(request: HttpRequest, account_id: int) -> HttpResponse:
    account, existing = account_to_connect(request, account_id, Channel.Network.FACEBOOK)
    page_id = (existing.config or {}).get("page_id", "") if existing else ""
    errors: list[str] = []
    if request.method == "POST":
        page_id = request.POST.get("page_id", "").strip()
        try:
            channel = facebook_channel_connect(
                actor=request.officer,
                account=account,
                page_id=page_id,
                page_token=request.POST.get("page_token", ""),
            )
        except ValidationError as exc:
            errors = list(exc.messages)
        else:
            messages.success(
                request, f"{account.name} is connected to the Facebook Page {channel.handle}."
            )
            return redirect("networks:connections")
    return render(
        request,
        "networks/connect_facebook.html",
        {"account": account, "existing": existing, "page_id": page_id, "errors": errors},
    )


@csrf_exempt  # signed by Facebook instead: X-Hub-Signature-256 over the raw body
@require_http_methods(["GET", "POST"])
def webhook(request: HttpRequest) -> HttpResponse:
    """The verify-token handshake (GET) and signed deliveries (POST) from Facebook."""
    if request.method == "GET":
        token = request.GET.get("hub.verify_token", "")
        if (
            request.GET.get("hub.mode") == "subscribe"
            and settings.FACEBOOK_VERIFY_TOKEN
            and _same(token, settings.FACEBOOK_VERIFY_TOKEN)
        ):
            return HttpResponse(request.GET.get("hub.challenge", ""), content_type="text/plain")
        return HttpResponseForbidden("Verification failed.")
    if not signature_valid(
        raw_body=request.body,
        header=request.headers.get("X-Hub-Signature-256"),
        app_secret=settings.FACEBOOK_APP_SECRET,
    ):
        return HttpResponseForbidden("Bad signature.")
    try:
        payload = json.loads(request.body)
    except ValueError:
        return HttpResponse("Not JSON.", status=400)
    from beatdesk.networks.jobs import ingest_incoming

    page_ids = {
        str(entry.get("id")) for entry in payload.get("entry", []) if isinstance(entry, dict)
    }
    channels = Channel.objects.filter(
        network=Channel.Network.FACEBOOK,
        state=Channel.State.ACTIVE,
        config__page_id__in=sorted(page_ids),
    ).select_related("force", "account")
    handed = 0
    for channel in channels:
        page_payload = {
            **payload,
            "entry": [
                e
                for e in payload.get("entry", [])
                if str(e.get("id")) == channel.config.get("page_id")
            ],
        }
        handed += ingest_incoming(
            channel, messages_from_payload(page_payload, page_id=channel.config["page_id"])
        )
    logger.info("facebook webhook: %s message(s) for %s channel(s)", handed, len(channels))
    return HttpResponse("OK", content_type="text/plain")


def _same(given: str, expected: str) -> bool:
    import hmac

    return hmac.compare_digest(given.encode(), expected.encode())
