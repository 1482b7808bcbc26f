"""An officer on the desk: compose a two-part thread with a photo and its alt text, watch it go
out; an officer of another district cannot post there."""

from __future__ import annotations

import io

import pytest
from django.urls import NoReverseMatch, reverse
from PIL import Image
from playwright.sync_api import expect

from beatdesk.core.testing import axe_violations, browser_login
from beatdesk.publishing.models import Post
from beatdesk.publishing.outbox import run_outbox

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (120, 80), (20, 90, 160)).save(out, format="PNG")
    return out.getvalue()


def test_officer_york_posts_a_thread_with_an_image_and_sees_it_go_out(
    page, force, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    browser_login(page, "officer_york")
    page.goto("/desk/publishing/new/")
    page.wait_for_url("**/desk/publishing/new/york/")
    assert page.get_by_role("heading", level=1).inner_text() == "Post on York Police"
    assert axe_violations(page) == []

    page.get_by_label("What do you want to say?").fill("Bike marking at Haxby library today.")
    page.get_by_role("button", name="Add another part (thread)").click()
    assert page.get_by_label("Text of part 1").input_value() == (
        "Bike marking at Haxby library today."
    )
    page.get_by_label("Text of part 2").fill("Bring proof of ownership. Free of charge.")
    # The live counter counts the signature too.
    page.wait_for_function("document.getElementById('part-1-count').textContent.includes('/ 280')")
    page.get_by_text("Add images to part 1").click()
    page.locator("#part-0-image-0").set_input_files(
        {"name": "bikes.png", "mimeType": "image/png", "buffer": png()}
    )
    page.get_by_label("Alt text for image 1").first.fill("Three bikes with security tags")
    page.get_by_label("Topics").fill("bike theft, crime prevention")
    page.get_by_role("button", name="Post on York Police").click()
    page.wait_for_url("**/desk/publishing/posts/*/")

    post = Post.objects.get()
    assert list(post.parts.values_list("text", flat=True)) == [
        "Bike marking at Haxby library today.",
        "Bring proof of ownership. Free of charge.",
    ]
    body = page.locator("#post-body")
    assert "Part 2 of 2" in body.inner_text()
    expect(body.get_by_role("img", name="Three bikes with security tags")).to_be_visible()
    hub_row = page.locator("#delivery-status tr[data-network='hub']")
    assert "Sent" in hub_row.inner_text()  # the hub publishes at once
    assert axe_violations(page) == []

    run_outbox()  # the worker's next loop
    page.reload()
    row = page.locator("#delivery-status tr[data-network='simulated']")
    assert "Sent" in row.inner_text()
    assert (
        row.get_by_role("link", name="View it on Simulated network")
        .get_attribute("href")
        .startswith("https://simulated.example/")
    )
    try:
        reverse("hub:post", args=[force.slug, post.pk])
    except NoReverseMatch:
        return  # the public post page is not part of this build
    page.get_by_role("link", name="See it on the public hub").click()
    assert "Bike marking at Haxby library today." in page.content()


def test_officer_scarborough_cannot_post_on_york(page, force):
    browser_login(page, "officer_scarborough")
    page.goto("/desk/publishing/new/")
    page.wait_for_url("**/desk/publishing/new/scarborough/")
    response = page.goto("/desk/publishing/new/york/")
    assert response.status == 403
    assert not Post.objects.exists()


def test_comms_pauses_publishing_and_makes_the_network_fail_from_accessible_pages(page, force):
    browser_login(page, "comms")
    page.goto("/desk/publishing/pauses/")
    assert axe_violations(page) == []
    page.get_by_label("Where").select_option(label="York Police")
    page.get_by_label("Reason").fill("Serious incident in York city centre")
    page.get_by_role("button", name="Pause publishing").click()
    assert (
        "York Police: Serious incident in York city centre"
        in page.locator("#active-pauses").inner_text()
    )
    page.goto("/desk/publishing/simulated/")
    assert axe_violations(page) == []
    page.get_by_label("Rate limited (HTTP 429 with Retry-After)").check()
    page.get_by_role("button", name="Apply").click()
    assert page.locator("#current-mode").inner_text() == "Rate limited (HTTP 429 with Retry-After)"
    page.goto("/desk/publishing/")
    assert "Publishing is paused on York Police" in page.content()
    assert axe_violations(page) == []
    page.goto("/desk/publishing/pauses/")
    page.get_by_role("button", name="Resume York Police").click()
    assert "Publishing is running normally." in page.content()
