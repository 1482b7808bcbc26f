"""The live Q&A poll, answered before Django's request machinery when it can be.

Thousands of viewers poll a live session's fragment every second. Almost every poll asks "has
anything changed since version X?" and the answer is "no" (204), or, just after an answer,
"yes, here is the fragment every other viewer is also getting". Both answers are already in
this process's memory (``qa.live``), so building a full Django request, running every
middleware and resolving the URL (about 1.5 ms) would be most of the cost of the whole page.

This WSGI wrapper recognises exactly that request (GET ``/<force>/qa/<session>/live/``) and
answers it from memory with the same status, body, ETag and security headers as the Django
view. Anything else, a cache miss, or any error falls through to Django unchanged; the view in
``public_views.live_fragment`` stays the reference behaviour (and serves every request when
this wrapper is not installed). See docs/decisions/0083-qa-live-polling.md.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from urllib.parse import parse_qs

logger = logging.getLogger("beatdesk.qa.fastpath")

LIVE_PATH = re.compile(r"^/(?P<force>[-a-zA-Z0-9_]+)/qa/(?P<slug>[-a-zA-Z0-9_]+)/live/$")

# The same protection the rest of the site has; a fragment never needs scripts or frames.
SECURITY_HEADERS = [
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
    ("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'; base-uri 'none'"),
    ("Cache-Control", "no-cache"),
    ("Vary", "Cookie"),
]


class LivePollFastPath:
    def __init__(self, app: Callable):
        self.app = app

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") == "GET":
            match = LIVE_PATH.match(environ.get("PATH_INFO", ""))
            if match is not None:
                try:
                    answered = self._answer(environ, match)
                except Exception:
                    logger.exception("live poll fast path failed; Django answers instead")
                    answered = None
                if answered is not None:
                    status, headers, body = answered
                    start_response(status, headers)
                    return [body]
        return self.app(environ, start_response)

    def _answer(self, environ: dict, match: re.Match) -> tuple[str, list, bytes] | None:
        from django.conf import settings

        from beatdesk.qa import live

        host = environ.get("HTTP_HOST", "").rsplit(":", 1)[0].strip("[]")
        allowed = settings.ALLOWED_HOSTS
        if "*" not in allowed and host not in {h.strip("[]") for h in allowed}:
            return None  # Django gives the proper 400
        session_id = live.session_id_for(match["force"], match["slug"])
        if session_id is None:
            return None
        state = live.state(session_id)
        if state is None:
            return None
        headers = [("ETag", state.etag), *SECURITY_HEADERS]
        version = parse_qs(environ.get("QUERY_STRING", "")).get("v", [""])[0]
        if version == state.tag:
            return "204 No Content", headers, b""
        if environ.get("HTTP_IF_NONE_MATCH") == state.etag:
            return "304 Not Modified", headers, b""
        body = live.cached_fragment(state, "poll")
        if body is None:
            return None  # the first viewer after a change: Django renders and caches it
        return (
            "200 OK",
            [
                ("Content-Type", "text/html; charset=utf-8"),
                ("Content-Length", str(len(body))),
                *headers,
            ],
            body,
        )
