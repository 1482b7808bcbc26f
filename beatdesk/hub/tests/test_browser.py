import io

import pytest
from django.core.files.base import ContentFile
from PIL import Image
from playwright.sync_api import expect

from beatdesk.core.testing import axe_violations
from beatdesk.hub.tests.conftest import create_post
from beatdesk.publishing.models import PostImage

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def png() -> ContentFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (30, 90, 160)).save(buffer, format="PNG")
    return ContentFile(buffer.getvalue(), name="appeal.png")


@pytest.fixture
def hub_content(settings, tmp_path, force, account, officer_york, officer_scarborough):
    settings.MEDIA_ROOT = tmp_path
    urgent = create_post(
        account=account("nyp"),
        author=officer_york,
        texts=["Flooding: the A64 is closed"],
        is_urgent=True,
    )
    post = create_post(
        account=account("york"),
        author=officer_york,
        texts=["Have you seen this bike? <script>alert(1)</script>", "Call 101 quoting 12345."],
        tags=["Bikes"],
    )
    PostImage.objects.create(
        part=post.parts.first(),
        position=0,
        file=png(),
        mime_type="image/png",
        alt_text="A red mountain bike leaning on a fence",
    )
    create_post(
        account=account("scarborough"), author=officer_scarborough, texts=["Beach patrol tonight"]
    )
    return {"post": post, "urgent": urgent, "officer": officer_york}


def test_every_page_type_passes_axe(page, hub_content):
    post = hub_content["post"]
    pages = {
        "home": "/north-yorkshire/",
        "district": "/north-yorkshire/districts/york/",
        "officer": f"/north-yorkshire/officers/{hub_content['officer'].slug}/",
        "topic": "/north-yorkshire/topics/bikes/",
        "post": f"/north-yorkshire/posts/{post.pk}/",
        "search": "/north-yorkshire/search/",
        "search results": "/north-yorkshire/search/?q=bike",
        "search without results": "/north-yorkshire/search/?q=unicorn&district=york",
        "area lookup": "/north-yorkshire/area/?q=YO99",
        "accessibility": "/north-yorkshire/accessibility/",
    }
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    missing = {
        "not found (district)": "/north-yorkshire/districts/atlantis/",
        "not found (post)": "/north-yorkshire/posts/999999/",
    }
    for name, url in {**pages, **missing}.items():
        response = page.goto(url)
        assert response.status == (404 if name in missing else 200), name
        assert axe_violations(page) == [], name
    assert dialogs == []  # the script in the post never ran
    page.goto(f"/north-yorkshire/posts/{post.pk}/")
    image = page.get_by_role("img", name="A red mountain bike leaning on a fence")
    expect(image).to_be_visible()
    assert image.evaluate("img => img.naturalWidth") == 40


def test_find_your_area_and_search_by_keyboard(page, hub_content):
    page.goto("/north-yorkshire/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to main content"
    page.keyboard.press("Enter")
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "area-q":
            break
    else:
        pytest.fail("the area box cannot be reached with the keyboard")
    page.keyboard.type("yo11 2ab")
    page.keyboard.press("Enter")
    page.wait_for_url("**/districts/scarborough/")
    assert page.get_by_role("heading", level=1).text_content() == "Scarborough"
    expect(page.get_by_text("Beach patrol tonight")).to_be_visible()


def test_works_without_javascript(browser, live_server, hub_content):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        pg = context.new_page()
        pg.goto("/north-yorkshire/search/")
        pg.get_by_label("Words to find").fill("bike")
        pg.get_by_label("District").select_option("york")
        pg.get_by_role("button", name="Search").click()
        pg.wait_for_url("**/search/?q=bike*")
        expect(pg.get_by_text("Have you seen this bike?")).to_be_visible()
        pg.goto("/north-yorkshire/area/")
        pg.get_by_label("Postcode, town or village").fill("Atlantis")
        pg.get_by_role("button", name="Find your area").click()
        # The URL changes when the answer starts to arrive; wait for its text.
        expect(pg.get_by_text("could not find a town or village called")).to_be_visible()
        pg.get_by_role("link", name="York", exact=True).click()
        pg.wait_for_url("**/districts/york/")
        expect(pg.get_by_role("heading", level=1)).to_have_text("York")
    finally:
        context.close()
