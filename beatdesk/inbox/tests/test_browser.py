"""The inbox in a browser: a public message arrives live, an emergency raises the alert, an
officer replies and sees it delivered."""

import pytest
from playwright.sync_api import expect

from beatdesk.core.testing import axe_violations, browser_login
from beatdesk.inbox import public_views
from beatdesk.inbox.services import message_ingest
from beatdesk.publishing.outbox import run_outbox

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EMERGENCY = "he has a knife and says he will stab my brother, we are on Station Road in Haxby"


def test_public_message_arrives_live_emergency_alerts_and_reply_is_delivered(
    page, new_page, force, account, monkeypatch
):
    # People take a few seconds to write; the test types at machine speed.
    monkeypatch.setattr(public_views, "MIN_FILL_SECONDS", 0)
    browser_login(page, "officer_york")
    page.goto("/desk/inbox/")
    expect(page.get_by_role("heading", name="Inbox", level=1)).to_be_visible()
    assert axe_violations(page) == []
    page.evaluate("window.__sameDocument = true")

    public = new_page()
    public.goto(f"/{force.slug}/contact/")
    assert "Not for emergencies" in public.content()
    assert axe_violations(public) == []
    public.get_by_label("Which area is it about?").select_option("york")
    public.get_by_label("Your message").fill(
        "Cars keep speeding past the primary school on Haxby Road at pick-up time."
    )
    public.get_by_label("Your name (optional)").fill("<b>Ann</b>")
    public.get_by_role("button", name="Send message").click()
    public.wait_for_url("**/contact/sent/**")
    assert "We have received your message" in public.content()

    row = page.locator("#conversation-list").get_by_text("Cars keep speeding past")
    row.wait_for(timeout=5_000)
    expect(page.locator("#conversation-list").get_by_text("<b>Ann</b>")).to_be_visible()
    assert page.evaluate("window.__sameDocument") is True

    york = account("york")
    message_ingest(
        force=force,
        channel=york.channels.get(network="simulated"),
        account=york,
        network_id="sim-999",
        text=EMERGENCY,
        author_handle="worried_sister",
        kind="mention",
    )
    alert = page.locator("#emergency-alert")
    alert.wait_for(timeout=5_000)
    assert "may mean someone is in danger now" in alert.inner_text()
    page.wait_for_function("document.body.dataset.alertsSounded >= '1'", timeout=5_000)
    assert page.evaluate("window.__sameDocument") is True
    first = page.locator("#conversation-list > li").first
    assert "he has a knife" in first.inner_text()

    # From here on the test does one thing at a time. The SQLite test database is a shared
    # in-memory database whose table locks fail at once instead of waiting (a file database
    # waits), so background polls that write the session are answered here, not by the server.
    page.route("**/desk/inbox/poll/**", lambda route: route.fulfill(status=204))
    page.route("**/presence/**", lambda route: route.fulfill(status=204))
    page.wait_for_timeout(300)
    alert.get_by_role("link").first.click()
    page.wait_for_url("**/desk/inbox/c/**")
    assert axe_violations(page) == []
    page.get_by_label("Your reply").fill(
        "Please call 999 now if he is still there. We have passed this to the control room."
    )
    page.get_by_role("button", name="Send reply").click()
    assert "Reply queued" in page.content()
    run_outbox()
    page.reload()
    delivered = page.locator("[data-delivery-state]")
    assert delivered.inner_text() == "Delivered"


def test_the_sender_reads_the_answer_at_their_private_link_and_writes_back(
    page, force, officer_york, monkeypatch
):
    from beatdesk.inbox import services
    from beatdesk.inbox.models import Conversation

    monkeypatch.setattr(public_views, "MIN_FILL_SECONDS", 0)
    page.goto(f"/{force.slug}/districts/york/")
    page.get_by_role("link", name="Send the York team a message").click()
    expect(page.get_by_label("Which area is it about?")).to_have_value("york")
    page.get_by_label("Your message").fill("Is the Bootham car park locked overnight?")
    page.get_by_role("button", name="Send message").click()
    page.wait_for_url("**/contact/sent/**")
    page.get_by_role("link", name=f"Your conversation with {force.name}").click()
    page.wait_for_url("**/contact/c/**")
    assert axe_violations(page) == []
    expect(page.get_by_text("We have not answered yet")).to_be_visible()

    conversation = Conversation.objects.get()
    services.reply_send(
        actor=officer_york,
        conversation=conversation,
        text="It is locked at 10pm; the attendant on the gate will let you out.",
        expected_version=conversation.version,
    )
    run_outbox()
    page.reload()
    expect(page.get_by_text("the attendant on the gate will let you out")).to_be_visible()
    page.get_by_label("Your message").fill("Thank you, got it out.")
    page.get_by_role("button", name="Send message").click()
    expect(page.get_by_role("status")).to_contain_text("Your message has been sent")
    assert axe_violations(page) == []
    assert conversation.messages.count() == 3
