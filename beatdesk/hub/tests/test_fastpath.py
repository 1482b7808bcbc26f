import io

import pytest
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections

from beatdesk.hub.fastpath import HubFastPath
from beatdesk.hub.tests.conftest import create_post, set_state
from beatdesk.publishing.models import Post

pytestmark = pytest.mark.django_db


class Counting:
    """Django's WSGI application, counting how often a request reaches it."""

    def __init__(self):
        self.app = get_wsgi_application()
        self.calls = 0

    def __call__(self, environ, start_response):
        self.calls += 1
        return self.app(environ, start_response)


@pytest.fixture
def stack():
    # As Django's test client does: a request must not close the connection that holds the
    # test's transaction.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    inner = Counting()
    yield inner, HubFastPath(inner)
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def get(app, path, method="GET", query="", **headers):
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "HTTP_HOST": "testserver",
        "wsgi.input": io.BytesIO(),
        "wsgi.url_scheme": "http",
        "wsgi.errors": io.StringIO(),
        "REMOTE_ADDR": "198.51.100.7",
        "SERVER_PROTOCOL": "HTTP/1.1",
        **{f"HTTP_{k.upper()}": v for k, v in headers.items()},
    }
    seen = {}

    def start_response(status, headers, exc_info=None):
        seen["status"], seen["headers"] = status, dict(headers)

    body = b"".join(app(environ, start_response))
    return seen["status"], seen["headers"], body


def test_repeat_requests_skip_django_until_the_content_changes(stack, force, account, officer_york):
    inner, app = stack
    post = create_post(account=account("york"), author=officer_york, texts=["Road closed"])
    status, headers, first = get(app, "/north-yorkshire/districts/york/")
    assert status.startswith("200") and b"Road closed" in first
    for _ in range(3):
        status, again_headers, body = get(app, "/north-yorkshire/districts/york/")
        assert body == first and again_headers == headers
    assert inner.calls == 1
    assert "Content-Security-Policy" in headers and headers["X-Frame-Options"] == "DENY"
    set_state(post, Post.State.TAKEN_DOWN)
    status, _, body = get(app, "/north-yorkshire/districts/york/")
    assert b"Road closed" not in body and inner.calls == 2


def test_each_query_string_is_its_own_page(stack, force, account, officer_york):
    inner, app = stack
    create_post(account=account("york"), author=officer_york, texts=["Speed checks"])
    _, _, hit = get(app, "/north-yorkshire/search/", query="q=speed")
    _, _, miss = get(app, "/north-yorkshire/search/", query="q=unicorn")
    assert b"Speed checks" in hit and b"Speed checks" not in miss.split(b"<h2")[-1]
    assert inner.calls == 2


def test_conditional_requests_get_304_from_the_fast_path(stack, force, account, officer_york):
    inner, app = stack
    create_post(account=account("york"), author=officer_york)
    _, headers, _ = get(app, "/north-yorkshire/")
    status, _, body = get(app, "/north-yorkshire/", if_none_match=headers["ETag"])
    assert status.startswith("304") and body == b"" and inner.calls == 1


@pytest.mark.parametrize(
    "path,method,headers",
    [
        ("/north-yorkshire/", "GET", {"cookie": "sessionid=abc"}),
        ("/north-yorkshire/", "POST", {}),
        ("/api/v1/forces/north-yorkshire/", "GET", {}),
        ("/desk/login/", "GET", {}),
        ("/nowhere/", "GET", {}),
    ],
)
def test_never_for_sessions_writes_api_desk_or_unknown_forces(stack, force, path, method, headers):
    inner, app = stack
    get(app, path, method, **headers)
    get(app, path, method, **headers)
    assert inner.calls == 2


def test_failed_responses_are_not_kept(stack, force):
    inner, app = stack
    for _ in range(2):
        status, _, _ = get(app, "/north-yorkshire/districts/atlantis/")
        assert status.startswith("404")
    assert inner.calls == 2


def test_copies_are_refreshed_after_a_while_even_when_no_post_changed(
    stack, force, settings, account, officer_york
):
    inner, app = stack
    get(app, "/north-yorkshire/districts/york/")
    get(app, "/north-yorkshire/districts/york/")
    assert inner.calls == 1
    settings.HUB_FAST_PATH_SECONDS = 0
    get(app, "/north-yorkshire/districts/york/")
    assert inner.calls == 2
