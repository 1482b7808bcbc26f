import csv
import io
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from icalendar import Calendar

from beatdesk.core.testing import login
from beatdesk.qa import services
from beatdesk.qa.models import Question, Session
from beatdesk.qa.views import neutralise

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_limits():
    cache.clear()


def page_url(session, suffix=""):
    return f"/{session.force.slug}/qa/{session.slug}/{suffix}"


def ask(client, session, text, **extra):
    return client.post(page_url(session, "ask/"), {"text": text, **extra}, follow=True)


# --- Desk ---------------------------------------------------------------------------------------


def test_comms_creates_a_session_in_the_force_time_zone(client, comms, account, officer_york):
    login(client, comms)
    form = client.get("/desk/qa/new/").content.decode()
    assert "Europe/London" in form and "York Police" in form
    response = client.post(
        "/desk/qa/new/",
        {
            "title": "Ask us about Haxby",
            "description": "Burglaries and parking.",
            "accounts": [account("york").pk],
            "starts_at": "2027-07-02T14:00",
            "ends_at": "2027-07-02T15:00",
            "hashtag": "#AskHaxby",
            "panel": [officer_york.pk],
        },
    )
    session = Session.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/desk/qa/{session.pk}/"
    # 14:00 in London in July is 13:00 UTC.
    assert session.starts_at.isoformat() == "2027-07-02T13:00:00+00:00"
    assert session.hashtag == "AskHaxby"
    body = client.get(response["Location"]).content.decode()
    assert "Ask us about Haxby" in body and "Friday 2 July 2027, 14:00" in body


def test_session_form_shows_problems_next_to_fields(client, comms, account, officer_york):
    login(client, comms)
    response = client.post(
        "/desk/qa/new/",
        {
            "title": "Ask us",
            "accounts": [account("york").pk],
            "starts_at": "2027-07-02T15:00",
            "ends_at": "2027-07-02T14:00",
            "hashtag": "AskUs",
            "panel": [officer_york.pk],
        },
    )
    assert response.status_code == 200
    assert "The session must end after it starts." in response.content.decode()
    assert not Session.objects.exists()


def test_officers_cannot_create_and_see_only_their_sessions(
    client, officer_york, lead_scarborough, live_session
):
    login(client, officer_york)
    assert client.get("/desk/qa/new/").status_code == 403
    assert live_session.title in client.get("/desk/qa/").content.decode()  # on the panel
    client.logout()
    login(client, lead_scarborough)
    assert live_session.title not in client.get("/desk/qa/").content.decode()
    assert client.get(f"/desk/qa/{live_session.pk}/").status_code == 403


def test_moderator_and_panel_work_from_the_run_screen(
    client, live_session, lead_york, officer_york
):
    question = services.question_submit(session=live_session, text="How do I join the specials?")
    login(client, lead_york)  # leads the York account's district: a moderator
    board = client.get(f"/desk/qa/{live_session.pk}/").content.decode()
    assert "How do I join the specials?" in board and "Approve" in board
    client.post(f"/desk/qa/{live_session.pk}/questions/{question.pk}/approve/")
    client.logout()
    login(client, officer_york)
    board = client.get(f"/desk/qa/{live_session.pk}/").content.decode()
    assert "Waiting for moderation" not in board  # not a moderator
    client.post(f"/desk/qa/{live_session.pk}/questions/{question.pk}/take/")
    client.post(
        f"/desk/qa/{live_session.pk}/questions/{question.pk}/answer/",
        {"text": "Apply on the force website."},
    )
    question.refresh_from_db()
    assert question.answer.text == "Apply on the force website."
    assert question.answer.officer == officer_york


def test_run_screen_status_poll_is_empty_until_something_changes(client, live_session, comms):
    login(client, comms)
    version = Session.objects.get(pk=live_session.pk).version
    url = f"/desk/qa/{live_session.pk}/status/?v={version}"
    assert client.get(url).status_code == 204
    services.question_submit(session=live_session, text="How do I join the specials?")
    response = client.get(url)
    assert response.status_code == 200
    assert "1 question waiting for moderation" in response.content.decode()


def test_csv_export_neutralises_formulas(client, live_session, comms, officer_york):
    question = services.question_submit(
        session=live_session, text='=HYPERLINK("http://evil") is this legal?', asker_name="@bob"
    )
    services.question_approve(actor=comms, question=question)
    services.answer_create(actor=officer_york, question=question, text="-No.")
    login(client, comms)
    response = client.get(f"/desk/qa/{live_session.pk}/export.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:5] == ["question_id", "asked_at", "source", "asker", "question"]
    assert rows[1][3] == "'@bob"
    assert rows[1][4].startswith("'=HYPERLINK")
    assert rows[1][11] == "'-No.\n^JH"
    assert [neutralise(v) for v in ("+1", "\tx", "\rx", "ok")] == ["'+1", "'\tx", "'\rx", "ok"]


def test_stats_page(client, live_session, comms):
    services.question_submit(session=live_session, text="How do I join the specials?")
    login(client, comms)
    body = client.get(f"/desk/qa/{live_session.pk}/stats/").content.decode()
    assert 'id="stat-received">1<' in body


# --- Hub ----------------------------------------------------------------------------------------


def test_public_page_has_the_emergency_notice_and_a_calendar_file(client, make_session):
    session = make_session()
    body = client.get(page_url(session)).content.decode()
    assert "Not for emergencies." in body and "call 999" in body and "call 101" in body
    assert "Questions open when the session starts" in body
    response = client.get(page_url(session, "calendar.ics"))
    assert response["Content-Type"].startswith("text/calendar")
    event = Calendar.from_ical(response.content).walk("VEVENT")[0]
    assert event.decoded("dtstart") == session.starts_at.replace(microsecond=0)
    assert event.decoded("dtend") == session.ends_at.replace(microsecond=0)
    assert "Ask the York neighbourhood team" in str(event["summary"])
    assert str(event["url"]).endswith(page_url(session))


def test_force_home_lists_upcoming_sessions(client, make_session, force):
    session = make_session()
    body = client.get(f"/{force.slug}/").content.decode()
    assert session.title in body and page_url(session) in body


def test_asking_on_the_hub(client, live_session):
    response = ask(client, live_session, "When will Haxby station reopen?", asker_name="Kim")
    assert "your question has been sent" in response.content.decode()
    question = Question.objects.get()
    assert question.asker_name == "Kim" and question.client_key  # a hash, not the address
    assert "127.0.0.1" not in question.client_key


def test_honeypot_keeps_nothing(client, live_session):
    response = ask(client, live_session, "Buy cheap watches", website="http://spam.example")
    assert "Thank you" in response.content.decode()
    assert not Question.objects.exists()


def test_questions_are_rate_limited_per_client(client, live_session):
    for n in range(5):
        ask(client, live_session, f"Question number {n} about parking on Haxby Road?")
    response = ask(client, live_session, "One more about parking?")
    assert "Please wait a little" in response.content.decode()
    assert Question.objects.count() == 5


def test_emergency_on_the_hub_gets_the_guidance(client, live_session):
    response = ask(client, live_session, "Help there is a man with a knife outside my house now")
    assert "call 999" in response.content.decode()
    assert not Question.objects.exists()


def test_me_too_once_per_browser(client, live_session, comms):
    question = services.question_submit(session=live_session, text="How do I join the specials?")
    services.question_approve(actor=comms, question=question)
    url = page_url(live_session, f"questions/{question.pk}/me-too/")
    client.post(url, headers={"Sec-Fetch-Site": "same-origin"})
    response = client.post(url, headers={"Sec-Fetch-Site": "same-origin"}, follow=True)
    assert "already said" in response.content.decode()
    question.refresh_from_db()
    assert question.me_too_count == 1
    assert "2 people want to know" in client.get(page_url(live_session)).content.decode()


def test_me_too_from_another_site_is_refused(client, live_session, comms):
    question = services.question_submit(session=live_session, text="How do I join the specials?")
    services.question_approve(actor=comms, question=question)
    url = page_url(live_session, f"questions/{question.pk}/me-too/")
    assert client.post(url, headers={"Sec-Fetch-Site": "cross-site"}).status_code == 403


def test_live_fragment_is_204_or_304_until_an_answer_changes_it(
    client, live_session, comms, officer_york
):
    question = services.question_submit(session=live_session, text="How do I join the specials?")
    services.question_approve(actor=comms, question=question)
    first = client.get(page_url(live_session, "live/"))
    assert first.status_code == 200 and "How do I join the specials?" in first.content.decode()
    etag = first["ETag"]
    tag = etag.strip('"').split("-", 1)[1]
    assert client.get(page_url(live_session, f"live/?v={tag}")).status_code == 204
    assert (
        client.get(page_url(live_session, "live/"), headers={"If-None-Match": etag}).status_code
        == 304
    )
    with CaptureQueriesContext(connection) as queries:
        client.get(page_url(live_session, f"live/?v={tag}"))
    assert len(queries) == 0  # answered from the process's memory

    services.answer_create(actor=officer_york, question=question, text="Apply online.")
    changed = client.get(page_url(live_session, f"live/?v={tag}"))
    assert changed.status_code == 200 and changed["ETag"] != etag
    body = changed.content.decode()
    assert "Apply online." in body and "^JH" in body and "PC Jess Holmes" in body
    assert 'id="live-announce" hx-swap-oob="true"' in body


def test_transcript_groups_questions_with_answers(client, live_session, comms, officer_york):
    first = services.question_submit(
        session=live_session, text="What are you doing about the burglaries in Haxby?"
    )
    second = services.question_submit(
        session=live_session, text="Burglaries in Haxby - what is being done about them?"
    )
    for q in (first, second):
        services.question_approve(actor=comms, question=q)
    services.answer_create(actor=officer_york, question=first, text="Extra patrols.")
    services.session_close(actor=comms, session=live_session)
    body = client.get(page_url(live_session, "transcript/")).content.decode()
    assert "What are you doing about the burglaries in Haxby?" in body
    assert "Burglaries in Haxby - what is being done about them?" in body
    assert "Extra patrols." in body and "Answered by PC Jess Holmes" in body
    assert "2 people asked this" in body


def test_other_forces_cannot_see_sessions(client, live_session, other_force):
    assert client.get(f"/{other_force.slug}/qa/{live_session.slug}/").status_code == 404


def test_sessions_list_on_the_hub(client, make_session, force):
    upcoming = make_session()
    past = make_session(title="Old one")
    Session.objects.filter(pk=past.pk).update(
        starts_at=timezone.now() - timedelta(days=2),
        ends_at=timezone.now() - timedelta(days=2, hours=-1),
    )
    body = client.get(f"/{force.slug}/qa/").content.decode()
    assert upcoming.title in body and "Old one" in body


def test_moderator_moves_an_inbox_message_into_the_session(
    client, live_session, lead_york, force, from_network
):
    from beatdesk.inbox.ingest import message_ingest

    message = message_ingest(
        force=force,
        channel=None,
        account=live_session.accounts.get(),
        network_id=None,
        text="Will there be bike marking at the Haxby fun day?",
        author_handle="",
        author_name="Kim",
        kind="hub_form",
    )
    urgent = from_network("Help there is a man with a knife outside my house now", network_id="e1")
    login(client, lead_york)
    page = client.get(f"/desk/qa/{live_session.pk}/inbox/").content.decode()
    assert "bike marking at the Haxby fun day" in page
    assert urgent.text not in page  # emergencies stay in the urgent queue
    client.post(f"/desk/qa/{live_session.pk}/inbox/{message.pk}/move/")
    question = Question.objects.get()
    assert question.inbox_message_id == message.pk and question.state == "approved"
    assert "bike marking" not in client.get(f"/desk/qa/{live_session.pk}/inbox/").content.decode()
