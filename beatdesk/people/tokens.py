"""Personal API tokens: made and revoked by their officer, checked on every staff API call.

A token reads ``bd_<prefix>_<secret>``. The prefix finds the row; only the SHA-256 of the
secret is stored and compared in constant time. A token acts as its officer, with the
officer's permissions at the moment of use (the one permission layer decides as for any
request), and stops working when revoked, when expired, and when the officer's sessions end
(a role or membership change, being disabled): see ``ApiToken``.

Staff API views take ``@staff_api``: a request with ``Authorization: Bearer ...`` is
authenticated by its token alone (no cookies, so no CSRF check is needed); any other request
must be a signed-in desk session and passes Django's CSRF check as a form would.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from functools import wraps

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from beatdesk.audit.services import audit_record
from beatdesk.core.context import current_origin, origin
from beatdesk.core.permissions import require
from beatdesk.people.models import ApiToken, Officer

PREFIX = "bd_"
LIFETIMES_DAYS = (30, 90, 365)
MOST_ACTIVE_PER_OFFICER = 10
# last_used_at is written at most this often, so a busy script does not write on every call.
TOUCH_EVERY = timedelta(minutes=1)


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def active_tokens(officer: Officer):
    now = timezone.now()
    return ApiToken.objects.filter(
        officer=officer,
        revoked_at__isnull=True,
        expires_at__gt=now,
        session_version=officer.user.session_version,
    )


def tokens_for_page(officer: Officer) -> list[ApiToken]:
    """The officer's tokens for the security page, each with ``status`` in words."""
    now = timezone.now()
    rows = list(ApiToken.objects.filter(officer=officer).select_related("revoked_by")[:50])
    for token in rows:
        if token.revoked_at is not None:
            token.status = "Revoked"
        elif token.expires_at <= now:
            token.status = "Expired"
        elif token.session_version != officer.user.session_version:
            token.status = "Ended with your sessions"
        else:
            token.status = "Active"
        token.is_active = token.status == "Active"
    return rows


@transaction.atomic
def api_token_create(*, actor: Officer, name: str, days: int) -> tuple[ApiToken, str]:
    """Make a token for ``actor``; returns it and the full token text, which is shown once."""
    require(actor, "manage_api_tokens", actor)
    name = " ".join(name.split())
    if not name:
        raise ValidationError("Give the token a name that says where it is used.")
    if len(name) > 80:
        raise ValidationError("A token's name can be at most 80 characters.")
    if days not in LIFETIMES_DAYS:
        raise ValidationError(
            f"A token lasts {', '.join(str(d) for d in LIFETIMES_DAYS)} days; choose one."
        )
    if active_tokens(actor).count() >= MOST_ACTIVE_PER_OFFICER:
        raise ValidationError(
            f"You already have {MOST_ACTIVE_PER_OFFICER} tokens; revoke one you no longer use."
        )
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        officer=actor,
        name=name,
        prefix=prefix,
        secret_hash=_hash(secret),
        session_version=actor.user.session_version,
        expires_at=timezone.now() + timedelta(days=days),
    )
    audit_record(
        actor=actor,
        action="api_token.create",
        obj=actor,
        data={"token": prefix, "name": name, "days": days},
    )
    return token, f"{PREFIX}{prefix}_{secret}"


@transaction.atomic
def api_token_revoke(*, actor: Officer, token: ApiToken, reason: str = "") -> ApiToken:
    """Stop ``token`` at once: its officer may, and so may a force admin."""
    require(actor, "revoke_api_token", token.officer)
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.revoked_by = actor
        token.save(update_fields=["revoked_at", "revoked_by"])
        audit_record(
            actor=actor,
            action="api_token.revoke",
            obj=token.officer,
            data={"token": token.prefix, "name": token.name},
            reason=reason,
        )
    return token


class TokenError(Exception):
    pass


def authenticate(header: str) -> tuple[Officer, ApiToken]:
    """The officer an ``Authorization`` header's bearer token acts as; TokenError says why
    not, in words a script's author can act on."""
    scheme, _, value = header.strip().partition(" ")
    value = value.strip()
    if scheme.lower() != "bearer" or not value:
        raise TokenError('Send "Authorization: Bearer <token>".')
    if not value.startswith(PREFIX) or value.count("_") < 2:
        raise TokenError("That is not a Beatdesk token (they start with bd_).")
    prefix, _, secret = value[len(PREFIX) :].partition("_")
    token = (
        ApiToken.objects.select_related("officer__user", "officer__force")
        .filter(prefix=prefix)
        .first()
    )
    if token is None or not hmac.compare_digest(token.secret_hash, _hash(secret)):
        raise TokenError("The token is not valid.")
    officer = token.officer
    now = timezone.now()
    if token.revoked_at is not None:
        raise TokenError("The token was revoked.")
    if token.expires_at <= now:
        raise TokenError("The token has expired; make a new one on the desk.")
    if not officer.is_active or not officer.user.is_active:
        raise TokenError("The token's officer is disabled.")
    if token.session_version != officer.user.session_version:
        raise TokenError(
            "The token ended with your sessions (your role changed); make a new one on the desk."
        )
    if token.last_used_at is None or now - token.last_used_at > TOUCH_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return officer, token


def staff_api(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Sets ``request.officer`` from a bearer token or the desk session (with CSRF), or
    answers 401 / 403 in JSON."""

    @csrf_exempt
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        header = request.headers.get("Authorization", "")
        if header:
            try:
                officer, token = authenticate(header)
            except TokenError as exc:
                response = JsonResponse({"error": str(exc)}, status=401)
                response["WWW-Authenticate"] = 'Bearer realm="beatdesk"'
                return response
            request.officer = officer
            # The audit trail says which token acted (its prefix, never the secret).
            with origin(replace(current_origin(), channel=f"token:{token.prefix}")):
                return view(request, *args, **kwargs)
        user = request.user
        officer = user.officer if user.is_authenticated else None
        if officer is None or not officer.is_active:
            return JsonResponse(
                {"error": "Sign in to the desk, or send a personal API token."}, status=401
            )
        refused = CsrfViewMiddleware(lambda r: HttpResponse()).process_view(request, None, (), {})
        if refused is not None:
            return JsonResponse(
                {"error": "The CSRF check failed: send the csrftoken cookie's value in an "
                 "X-CSRFToken header, or use a personal API token."},
                status=403,
            )  # fmt: skip
        request.officer = officer
        return view(request, *args, **kwargs)

    return wrapped
