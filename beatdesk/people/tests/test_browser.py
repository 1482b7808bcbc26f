import pytest

from beatdesk.core.testing import axe_violations, browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_officer_logs_in_sees_accounts_and_visits_hub(page, force):
    browser_login(page, "officer_york")
    accounts = page.locator("#postable-accounts")
    assert "York Police" in accounts.inner_text()
    assert "Scarborough Police" not in accounts.inner_text()
    assert axe_violations(page) == []
    page.get_by_role("link", name="Public hub").click()
    page.wait_for_url("**/north-yorkshire/")
    assert page.get_by_role("heading", level=1).inner_text() == "North Yorkshire Police"
    assert axe_violations(page) == []


def test_login_page_is_accessible_and_explains_failure(page, force):
    page.goto("/desk/login/")
    assert axe_violations(page) == []
    page.get_by_label("Username").fill("officer_york")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    assert "correct username and password" in page.get_by_role("alert").inner_text()
