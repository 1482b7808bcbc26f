"""The WSGI fast path answers live polls from memory exactly as the Django view would."""

import io

import pytest
from django.core import signals
from django.db import close_old_connections

from beatdesk.qa import services
from beatdesk.wsgi import application

pytestmark = pytest.mark.django_db


def call(path, query="", host="testserver", **headers):
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "HTTP_HOST": host,
        "wsgi.input": io.BytesIO(),
        "wsgi.url_scheme": "http",
        "wsgi.errors": io.StringIO(),
        **headers,
    }
    seen = {}

    def start_response(status, headers, exc_info=None):
        seen["status"] = int(status.split()[0])
        seen["headers"] = dict(headers)

    # As Django's test client does: the request must not close the test's transaction.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        body = b"".join(application(environ, start_response))
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
    return seen["status"], seen["headers"], body


def test_polls_are_answered_from_memory_like_the_view(
    live_session, comms, officer_york, django_assert_max_num_queries
):
    question = services.question_submit(session=live_session, text="How do I join the specials?")
    services.question_approve(actor=comms, question=question)
    path = f"/{live_session.force.slug}/qa/{live_session.slug}/live/"
    status, headers, body = call(path)  # the first viewer: Django renders and caches it
    assert status == 200 and b"How do I join the specials?" in body
    tag = headers["ETag"].strip('"').split("-", 1)[1]
    # At most one query (the version, re-read every quarter second), however many polls.
    with django_assert_max_num_queries(1):
        for _ in range(20):
            assert call(path, f"v={tag}")[0] == 204
        status, again, cached = call(path, "v=older")
    assert status == 200 and cached == body and again["ETag"] == headers["ETag"]
    assert again["X-Content-Type-Options"] == "nosniff"
    assert call(path, HTTP_IF_NONE_MATCH=headers["ETag"])[0] == 304

    services.answer_create(actor=officer_york, question=question, text="Apply online.")
    status, headers, body = call(path, f"v={tag}")
    assert status == 200 and b"Apply online." in body


def test_anything_else_goes_to_django(live_session, other_force):
    assert call(f"/{other_force.slug}/qa/{live_session.slug}/live/")[0] == 404
    assert (
        call(f"/{live_session.force.slug}/qa/{live_session.slug}/live/", host="evil.example")[0]
        == 400
    )
    status, _, body = call(f"/{live_session.force.slug}/qa/{live_session.slug}/")
    assert status == 200 and b"Not for emergencies." in body
