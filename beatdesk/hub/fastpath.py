"""A WSGI layer that answers repeat requests for public hub pages without entering Django.

During a major incident thousands of people load the same few pages. Django's request cycle
(middleware, URL resolution, the view) costs about a millisecond even when the page itself comes
from the cache; this layer costs a few microseconds. It keeps, per process, the exact bytes
and headers Django sent for a hub page, keyed by the force's content version and hub generation (``hub/cache.py``)
and everything the page can depend on: scheme, host, path and query. When a post is published,
edited or removed, or an officer, district or session changes, the key moves and the next
request goes through Django again; any entry
older than ``HUB_FAST_PATH_SECONDS`` (10) is refreshed from Django too.

What it never does:
- serve anything Django did not mark as a public hub page (the ``X-Hub-Version`` header, set
  only by ``hub.cache.hub_page``) or anything that set a cookie;
- answer a request that carries a session or messages cookie (a signed-in officer's session
  must be refreshed by Django), or any method but GET and HEAD;
- touch the desk, the admin, the API (rate-limited per client), static or media files.
A host or scheme Django would refuse never reaches the store: only Django's own 200 answers
are kept, under the host and scheme they were given for.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings

from beatdesk.forces.models import RESERVED_FORCE_SLUGS
from beatdesk.hub.cache import force_version

MARKER = "X-Hub-Version"
MAX_ENTRIES = 2000
MAX_BYTES = 64 * 1024 * 1024
BYPASS_COOKIES = ("sessionid=", "messages=")


@dataclass(frozen=True)
class Stored:
    status: str
    headers: list[tuple[str, str]]
    body: bytes
    etag: str
    last_modified: str
    stored_at: float


class HubFastPath:
    def __init__(self, app: Callable) -> None:
        self.app = app
        self.store: OrderedDict[tuple, Stored] = OrderedDict()
        self.size = 0
        self.lock = threading.Lock()

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        key = self.key(environ)
        if key is None:
            return self.app(environ, start_response)
        stored = self.store.get(key)
        # Kept at most max_age() even when nothing moved the version (a safety net: what a
        # page shows besides posts moves the hub generation, part of the key).
        if stored is None or time.monotonic() - stored.stored_at > self.max_age():
            return self.fill(key, environ, start_response)
        return self.answer(stored, environ, start_response)

    def key(self, environ: dict) -> tuple | None:
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
            return None
        if not getattr(settings, "HUB_FAST_PATH", True):
            return None
        cookies = environ.get("HTTP_COOKIE", "")
        if cookies and any(name in cookies for name in BYPASS_COOKIES):
            return None
        path = environ.get("PATH_INFO", "")
        slug = path[1:].split("/", 1)[0]
        if not slug or slug in RESERVED_FORCE_SLUGS or not path.endswith("/"):
            return None
        fv = force_version(slug)
        if fv is None:
            return None
        return (
            fv.force_id,
            fv.token,
            environ.get("wsgi.url_scheme"),
            environ.get("HTTP_X_FORWARDED_PROTO", ""),
            environ.get("HTTP_HOST", ""),
            path,
            environ.get("QUERY_STRING", ""),
        )

    def fill(self, key: tuple, environ: dict, start_response: Callable) -> Iterable[bytes]:
        captured: dict = {}

        def capture(status, headers, exc_info=None):
            captured["status"], captured["headers"] = status, headers
            return start_response(status, headers, exc_info)

        result = self.app(environ, capture)
        try:
            body = b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        status, headers = captured.get("status", ""), captured.get("headers", [])
        names = {name.lower(): value for name, value in headers}
        if (
            status.startswith("200")
            and names.get(MARKER.lower()) == key[1]
            and "set-cookie" not in names
            and environ.get("REQUEST_METHOD") == "GET"
        ):
            self.keep(
                key,
                Stored(
                    status=status,
                    headers=list(headers),
                    body=body,
                    etag=names.get("etag", ""),
                    last_modified=names.get("last-modified", ""),
                    stored_at=time.monotonic(),
                ),
            )
        return [body]

    @staticmethod
    def max_age() -> float:
        return float(getattr(settings, "HUB_FAST_PATH_SECONDS", 10))

    def keep(self, key: tuple, stored: Stored) -> None:
        with self.lock:
            old = self.store.pop(key, None)
            if old is not None:
                self.size -= len(old.body)
            self.store[key] = stored
            self.size += len(stored.body)
            while self.store and (len(self.store) > MAX_ENTRIES or self.size > MAX_BYTES):
                _, dropped = self.store.popitem(last=False)
                self.size -= len(dropped.body)

    def answer(self, stored: Stored, environ: dict, start_response: Callable) -> Iterable[bytes]:
        if self.not_modified(stored, environ):
            headers = [
                (name, value)
                for name, value in stored.headers
                if name.lower() not in ("content-length", "content-type")
            ]
            start_response("304 Not Modified", headers)
            return [b""]
        start_response(stored.status, stored.headers)
        return [b""] if environ.get("REQUEST_METHOD") == "HEAD" else [stored.body]

    @staticmethod
    def not_modified(stored: Stored, environ: dict) -> bool:
        tags = environ.get("HTTP_IF_NONE_MATCH")
        if tags is not None:
            wanted = {t.strip().removeprefix("W/") for t in tags.split(",")}
            return "*" in wanted or stored.etag in wanted
        since = environ.get("HTTP_IF_MODIFIED_SINCE")
        return bool(since) and since == stored.last_modified
