"""The whole live Q&A in browsers: comms create a session, the public asks on the hub and on a
(simulated) network, a moderator hides abuse and sees duplicates grouped, a panel officer
answers, and a viewer's open page shows the answer without reloading."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from beatdesk.core.testing import axe_violations, browser_login
from beatdesk.networks.simulated.models import SimulatedPost
from beatdesk.qa.models import Question, Session

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def local(dt, force):
    return timezone.localtime(dt, force.policy.zone).strftime("%Y-%m-%dT%H:%M")


def test_live_session_from_creation_to_answer_seen_live(page, new_page, force, from_network):
    cache.clear()
    # Comms create the session, taking questions from now.
    browser_login(page, "comms")
    page.goto("/desk/qa/new/")
    assert axe_violations(page) == []
    start = timezone.now() + timedelta(hours=2)
    page.get_by_label("Title", exact=True).fill("Ask the York team")
    page.get_by_label("York Police (district account)").check()
    page.get_by_label("Starts", exact=True).fill(local(start, force))
    page.get_by_label("Ends", exact=True).fill(local(start + timedelta(hours=1), force))
    page.get_by_label("Hashtag", exact=True).fill("AskYorkPolice")
    page.get_by_label("PC Jess Holmes (2291)").check()
    page.get_by_label("Take questions from now, before the session starts").check()
    page.get_by_role("button", name="Schedule the session").click()
    page.wait_for_url("**/desk/qa/*/")
    session = Session.objects.get()
    public_url = f"/{force.slug}/qa/{session.slug}/"

    # The public asks on the hub page.
    public = new_page()
    public.goto(public_url)
    assert "Not for emergencies." in public.locator("#not-for-emergencies").inner_text()
    assert axe_violations(public) == []
    for text, name in [
        ("What are you doing about the burglaries in Haxby?", "Kim"),
        ("You useless pigs, you are all scum and corrupt idiots", ""),
        ("Burglaries in Haxby - what is being done about them?", ""),
    ]:
        public.get_by_label("Your question").fill(text)
        public.get_by_label("Your name (optional)").fill(name)
        public.get_by_role("button", name="Send your question").click()
        public.wait_for_load_state()
        assert "Thank you" in public.locator(".messages").inner_text()
    # ... and on a network, through the inbox's ingestion.
    from_network("@YorkPolice #AskYorkPolice are e-scooters legal on the road?", network_id="s1")

    # A moderator hides the abusive one (held automatically) and approves the rest.
    page.goto(f"/desk/qa/{session.pk}/")
    queue = page.locator("#queue")
    held = Question.objects.get(state=Question.State.HELD)
    held_card = queue.locator(f"#q-{held.pk}")
    assert "Held automatically: triage says abusive." in held_card.inner_text()
    duplicate = Question.objects.get(text__startswith="Burglaries in Haxby")
    assert "Grouped with: “What are you doing about the burglaries in Haxby?”" in (
        queue.locator(f"#q-{duplicate.pk}").inner_text()
    )
    assert axe_violations(page) == []
    held_card.get_by_label("Reason for hiding").fill("Abusive")
    held_card.get_by_role("button", name=f"Hide question {held.pk}").click()
    page.wait_for_load_state()
    for question in Question.objects.filter(state=Question.State.PENDING).order_by("id"):
        page.locator(f"#q-{question.pk}").get_by_role(
            "button", name=f"Approve question {question.pk}"
        ).click()
        page.wait_for_load_state()
    assert "Nothing waiting." in page.locator("#queue").inner_text()
    assert "Abusive" in page.locator("#hidden").inner_text()

    # A second viewer is watching the public page; it shows the grouped question.
    viewer = new_page()
    viewer.goto(public_url)
    leader = Question.objects.get(text__startswith="What are you doing")
    assert "2 people want to know" in viewer.locator(f"#count-{leader.pk}").inner_text()
    assert "useless pigs" not in viewer.content()
    viewer.evaluate("window.stillTheSamePage = true")

    # A panel officer takes the question and answers it.
    panel = new_page()
    browser_login(panel, "officer_york")
    panel.goto(f"/desk/qa/{session.pk}/")
    panel.locator(f"#q-{leader.pk}").get_by_role(
        "button", name=f"Take question {leader.pk}"
    ).click()
    panel.wait_for_load_state()
    panel.get_by_label("Your answer").fill("Extra patrols every night this month, and a new PCSO.")
    # Others see it is taken.
    page.reload()
    assert "Taken by PC Jess Holmes" in page.locator(f"#q-{leader.pk}").inner_text()
    panel.get_by_role("button", name="Publish answer").click()
    panel.wait_for_load_state()

    # The viewer's page shows it within a couple of seconds, without reloading.
    answer = viewer.locator(f"#answers #question-{leader.pk}")
    answer.wait_for(timeout=5_000)
    assert "Extra patrols every night this month" in answer.inner_text()
    assert "^JH" in answer.inner_text() and "PC Jess Holmes" in answer.inner_text()
    assert viewer.evaluate("window.stillTheSamePage") is True
    assert axe_violations(viewer) == []

    # The network question is answered where it was asked.
    scooter = Question.objects.get(source="network")
    panel.goto(f"/desk/qa/{session.pk}/")
    panel.locator(f"#q-{scooter.pk}").get_by_role(
        "button", name=f"Take question {scooter.pk}"
    ).click()
    panel.wait_for_load_state()
    panel.get_by_label("Your answer").fill("Only the rental scheme's e-scooters.")
    panel.get_by_role("button", name="Publish answer").click()
    panel.wait_for_load_state()
    from beatdesk.jobs.registry import run_due

    run_due()
    reply = SimulatedPost.objects.get(reply_to="s1")
    assert reply.text == "Only the rental scheme's e-scooters.\n^JH"


def test_comms_cancel_a_session_and_the_public_page_says_so(page, new_page, force, make_session):
    session = make_session(title="Ask about the Fishergate works")
    browser_login(page, "comms")
    page.goto(f"/desk/qa/{session.pk}/")
    page.get_by_role("link", name="Change or cancel the session").click()
    assert axe_violations(page) == []
    page.get_by_label("Why is it cancelled?").fill("Officers are needed at a major incident")
    page.get_by_role("button", name="Cancel the session").click()
    page.wait_for_load_state()
    assert page.locator("h1 + .lede .status-danger").inner_text() == "Cancelled"
    public = new_page()
    response = public.goto(f"/{force.slug}/qa/{session.slug}/")
    assert response.status == 410
    assert "will not go ahead" in public.locator("main").inner_text()
    assert axe_violations(public) == []
