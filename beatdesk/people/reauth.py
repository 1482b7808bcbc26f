"""Asking for the password again before sensitive actions.

Connecting a network account, changing roles, exporting data and changing two-factor settings
need a password confirmed in the last few minutes (``REAUTH_WINDOW_SECONDS``), so a session left
open on a shared computer cannot do them. Signing in counts as a confirmation.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

REAUTH_KEY = "beatdesk_reauth_at"


def mark_recent_auth(request: HttpRequest) -> None:
    request.session[REAUTH_KEY] = time.time()


def has_recent_auth(request: HttpRequest) -> bool:
    confirmed = request.session.get(REAUTH_KEY)
    if confirmed is None:
        return False
    return time.time() - float(confirmed) <= settings.REAUTH_WINDOW_SECONDS


def reauth_url(next_url: str) -> str:
    return f"{reverse('people:reauth')}?{urlencode({'next': next_url})}"


def recent_auth_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Send the officer to confirm their password first unless they did so in the last minutes.

    A POST that arrives without a recent confirmation is not carried out: the officer confirms,
    comes back to the page and does it again, so nothing is done on a stale session's behalf.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if has_recent_auth(request):
            return view(request, *args, **kwargs)
        target = reauth_url(request.get_full_path())
        if request.headers.get("HX-Request"):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
            return response
        return HttpResponseRedirect(target)

    wrapper.recent_auth_required = True  # type: ignore[attr-defined]
    return wrapper
