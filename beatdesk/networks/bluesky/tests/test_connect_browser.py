"""A force admin connects York Police to Bluesky in the browser, against the local network."""

import pytest
from playwright.sync_api import expect

from beatdesk.core.testing import axe_violations, browser_login
from beatdesk.forces.models import Channel

pytestmark = [pytest.mark.bluesky, pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_admin_connects_york_to_bluesky(page, force, bluesky_network, bluesky_account):
    app_password = bluesky_network.app_password(bluesky_account)
    browser_login(page, "admin")
    page.goto("/desk/networks/")
    assert page.get_by_role("heading", level=1).inner_text() == "Network connections"
    assert axe_violations(page) == []

    page.get_by_role("link", name="Connect Bluesky for York Police").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Connect York Police to Bluesky"
    assert axe_violations(page) == []
    page.get_by_label("Handle").fill(bluesky_account.handle)
    page.get_by_label("App password").fill("wrong-wrong-wrong-wrong")
    page.get_by_label("Server").fill(bluesky_network.pds)
    page.get_by_role("button", name="Check and connect").click()
    assert "did not accept that handle and app password" in page.get_by_role("alert").inner_text()
    assert page.get_by_label("Handle").input_value() == bluesky_account.handle
    assert axe_violations(page) == []

    page.get_by_label("App password").fill(app_password)
    page.get_by_role("button", name="Check and connect").click()
    page.wait_for_url("**/desk/networks/")
    assert f"connected to Bluesky as @{bluesky_account.handle}" in page.content()
    row = (
        page.get_by_role("region", name="York Police").get_by_role("row").filter(has_text="Bluesky")
    )
    expect(row.get_by_role("cell", name="Active")).to_be_visible()
    expect(row.get_by_role("link", name=f"@{bluesky_account.handle}")).to_be_visible()
    assert Channel.objects.get(network="bluesky").state == Channel.State.ACTIVE
