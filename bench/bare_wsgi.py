"""A WSGI app that returns one fixed page: the floor of what gunicorn itself costs per request."""

import os
from pathlib import Path

BODY = Path(os.environ["BENCH_BARE_PAGE"]).read_bytes()
HEADERS = [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(BODY)))]


def app(environ, start_response):
    start_response("200 OK", HEADERS)
    return [BODY]
