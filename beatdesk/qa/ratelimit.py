"""Who a member of the public is, as far as limits go, without storing who they are.

The address is kept only as a keyed hash (it cannot be read back). A signed random cookie tells
apart people who share one address (a household, a mobile network), so "I want to know this
too" counts once per person; the per-address limit stops one machine from voting endlessly by
clearing its cookies.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.crypto import salted_hmac
from django_ratelimit import ALL
from django_ratelimit.core import get_usage

from beatdesk.core.middleware import client_ip

CLIENT_COOKIE = "qa_client"
COOKIE_SALT = "beatdesk.qa.client"
COOKIE_AGE = 30 * 24 * 3600


def address_key(request: HttpRequest) -> str:
    ip = client_ip(request) or "unknown"
    return salted_hmac("beatdesk.qa.address", ip, algorithm="sha256").hexdigest()[:32]


def client_id(request: HttpRequest) -> tuple[str, bool]:
    """(the browser's id, whether it is new and must be set as a cookie)."""
    found = request.get_signed_cookie(CLIENT_COOKIE, default=None, salt=COOKIE_SALT)
    if found:
        return found, False
    return secrets.token_hex(16), True


def remember_client(response: HttpResponse, value: str) -> None:
    response.set_signed_cookie(
        CLIENT_COOKIE,
        value,
        salt=COOKIE_SALT,
        max_age=COOKIE_AGE,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


def allow(request: HttpRequest, scope: str, *, rate: str) -> bool:
    """Count this attempt against the client's address (django-ratelimit, in Django's cache);
    False once ``rate`` (such as "5/10m") is used up."""
    usage = get_usage(
        request,
        group=f"qa.{scope}",
        key=lambda group, req: address_key(req),
        rate=rate,
        method=ALL,
        increment=True,
    )
    return not (usage and usage["should_limit"])
