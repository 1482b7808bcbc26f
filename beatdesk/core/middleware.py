from __future__ import annotations

import time
import uuid

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

from beatdesk.core.context import Origin, origin

LOGIN_TIME_KEY = "beatdesk_login_at"
TOUCH_KEY = "beatdesk_touched_at"


def client_ip(request: HttpRequest) -> str | None:
    # Behind the documented reverse proxy, REMOTE_ADDR is set by the proxy protocol of the
    # server (gunicorn --forwarded-allow-ips); X-Forwarded-For is never trusted here.
    return request.META.get("REMOTE_ADDR") or None


def _touch(request: HttpRequest) -> None:
    """Push the idle expiry on, writing the session at most once per SESSION_TOUCH_SECONDS
    rather than on every request (the inbox polls every two seconds per open desk)."""
    now = time.time()
    touched = request.session.get(TOUCH_KEY)
    if touched is None or now - float(touched) >= settings.SESSION_TOUCH_SECONDS:
        request.session[TOUCH_KEY] = now  # marks the session modified: saved, expiry renewed


class RequestContextMiddleware:
    """Records the request's origin for the audit trail and ends sessions past their absolute age."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            started = request.session.get(LOGIN_TIME_KEY)
            if started is None:
                request.session[LOGIN_TIME_KEY] = time.time()
            elif time.time() - float(started) > settings.SESSION_ABSOLUTE_AGE:
                logout(request)
            else:
                _touch(request)
        value = Origin(
            channel="web",
            ip=client_ip(request),
            user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
            request_id=uuid.uuid4().hex,
        )
        with origin(value):
            return self.get_response(request)
