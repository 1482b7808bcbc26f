import re

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from beatdesk.core.testing import axe_violations, browser_login
from beatdesk.people.tests.conftest import totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_officer_sets_up_two_factor_and_signs_in_with_it(page, force):
    browser_login(page, "officer_york")
    page.get_by_role("link", name="Sign-in security").click()
    assert page.locator("#tfa-status").inner_text().startswith("Off")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Set up an authenticator app").click()
    expect(page.get_by_role("img", name="QR code for your authenticator app")).to_be_visible()
    assert axe_violations(page) == []

    device = TOTPDevice.objects.get(user__username="officer_york", confirmed=False)
    page.get_by_label("Code from your app").fill(totp_code(device))
    page.get_by_role("button", name="Turn on two-factor authentication").click()
    codes = page.locator("#recovery-codes li").all_inner_texts()
    assert len(codes) == 10 and all(re.fullmatch(r"[a-z0-9]+", c) for c in codes)
    assert axe_violations(page) == []

    page.get_by_role("button", name=re.compile("Sign out")).click()
    browser_login_until_code(page)
    assert axe_violations(page) == []
    page.get_by_label("Code").fill(codes[0])
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/desk/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Hello")


def browser_login_until_code(pg):
    pg.goto("/desk/login/")
    pg.get_by_label("Username").fill("officer_york")
    pg.get_by_label("Password").fill("correct-horse-battery-staple-42")
    pg.get_by_role("button", name="Sign in").click()
    pg.wait_for_url("**/desk/login/verify/**")


def test_audit_trail_and_subject_access_pages_are_accessible(page, force):
    browser_login(page, "admin")
    page.get_by_role("link", name="Audit trail").click()
    expect(page.locator("#audit-events")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_label("What").fill("login")
    page.get_by_role("button", name="Show events").click()
    assert "login" in page.locator("#audit-events").inner_text()
    page.get_by_role("link", name="Subject access requests").click()
    assert axe_violations(page) == []
    page.goto("/desk/audit/")
    page.get_by_role("link", name="Legal holds").click()
    expect(page.locator("#no-holds")).to_be_visible()
    page.get_by_label("Number").fill("not a number")
    page.get_by_label("Case reference or reason").fill("Op Kite")
    page.get_by_role("button", name="Place the hold").click()
    assert "digits only" in page.get_by_role("alert").inner_text()
    assert page.get_by_label("Case reference or reason").input_value() == "Op Kite"
    assert axe_violations(page) == []


def test_officer_makes_uses_and_revokes_an_api_token(page, force, live_server):
    import httpx

    browser_login(page, "officer_york")
    page.get_by_role("link", name="Sign-in security").click()
    expect(page.locator("#no-tokens")).to_be_visible()
    page.get_by_label("Name (where you will use it)").fill("Shortcut on my phone")
    page.get_by_label("Lasts").select_option("30")
    page.get_by_role("button", name="Make token").click()
    token = page.get_by_label("Token").input_value()
    assert token.startswith("bd_")
    assert axe_violations(page) == []

    response = httpx.post(
        f"{live_server.url}/api/v1/posts/",
        json={
            "account": "york",
            "parts": [{"text": "Posted from a shortcut"}],
            "client_token": "1",
        },
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 201, response.text

    page.get_by_role("link", name="Back to sign-in security").click()
    row = page.locator("#token-list tbody tr")
    assert "Shortcut on my phone" in row.inner_text() and "Active" in row.inner_text()
    assert token not in page.content()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Revoke Shortcut on my phone").click()
    assert "Revoked" in page.locator("#token-list tbody tr").inner_text()
    again = httpx.post(
        f"{live_server.url}/api/v1/posts/",
        json={"account": "york", "parts": [{"text": "Again"}], "client_token": "2"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert again.status_code == 401 and "revoked" in again.json()["error"]


def test_officer_adds_a_security_key_signs_in_with_it_and_removes_it(page, force):
    from django_otp_webauthn.models import WebAuthnCredential

    # Chromium's virtual authenticator stands in for a USB security key.
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "usb",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )

    browser_login(page, "officer_york")
    page.get_by_role("link", name="Sign-in security").click()
    expect(page.locator("#no-passkeys")).to_be_visible()
    page.get_by_role("link", name="Add a security key or passkey").click()
    assert axe_violations(page) == []
    page.get_by_label("Name of the key").fill("YubiKey on lanyard")
    page.get_by_role("button", name="Add the key").click()
    page.locator("#recovery-codes").wait_for()
    codes = page.locator("#recovery-codes li").all_inner_texts()
    assert len(codes) == 10
    assert axe_violations(page) == []
    assert WebAuthnCredential.objects.get().name == "YubiKey on lanyard"

    page.get_by_role("button", name=re.compile("Sign out")).click()
    browser_login_until_code(page)
    assert page.get_by_role("heading", level=1).inner_text() == "Check it is you"
    assert axe_violations(page) == []
    page.get_by_role("button", name="Use your security key or passkey").click()
    page.wait_for_url("**/desk/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Hello")

    page.get_by_role("link", name="Sign-in security").click()
    row = page.locator("#passkey-list tbody tr")
    assert "YubiKey on lanyard" in row.inner_text() and "Never" not in row.inner_text()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Remove YubiKey on lanyard").click()
    page.locator("#no-passkeys").wait_for()
    assert page.locator("#tfa-status").inner_text().startswith("Off")
    assert not WebAuthnCredential.objects.exists()
    from beatdesk.audit.models import AuditEvent

    used = AuditEvent.objects.get(action="login.second_factor")
    assert used.data["method"] == "security key"
    assert AuditEvent.objects.filter(action__in=["passkey.add", "passkey.remove"]).count() == 2
