import re

import pytest
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from beatdesk.audit.models import AuditEvent
from beatdesk.people.tests.conftest import password_login, totp_code

pytestmark = pytest.mark.django_db


def test_enrolment_shows_a_csp_safe_qr_code_and_confirms_with_a_code(client, officer_york):
    password_login(client, "officer_york")
    page = client.get("/desk/security/two-factor/")
    body = page.content.decode()
    assert page.status_code == 200
    svg = re.search(r"<svg.*?</svg>", body, re.S).group(0)
    assert "<path" in svg
    assert "style=" not in svg and "<script" not in svg
    assert 'aria-label="QR code for your authenticator app"' in svg
    secret = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', body).group(1)
    assert len(secret.replace(" ", "")) >= 32

    device = TOTPDevice.objects.get(user=officer_york.user, confirmed=False)
    wrong = client.post("/desk/security/two-factor/", {"code": "000000"})
    assert "did not match" in wrong.content.decode()

    done = client.post("/desk/security/two-factor/", {"code": totp_code(device)})
    codes = re.findall(r"<li><code>([a-z0-9]+)</code></li>", done.content.decode())
    assert len(codes) == 10
    device.refresh_from_db()
    assert device.confirmed
    assert AuditEvent.objects.filter(action="two_factor.enable", actor=officer_york).exists()
    # The session that enrolled counts as verified: the desk opens.
    assert client.get("/desk/").status_code == 200


def test_sign_in_asks_for_the_code_before_the_desk(client, enrolled, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # throttling has its own test
    device, _codes = enrolled
    response = password_login(client, "officer_york")
    assert response.status_code == 302
    desk = client.get("/desk/")
    assert desk.status_code == 302 and desk["Location"].startswith("/desk/login/verify/")
    # Other desk pages are closed too, not only the home page.
    assert client.get("/desk/security/")["Location"].startswith("/desk/login/verify/")

    bad = client.post("/desk/login/verify/", {"code": "123456", "next": "/desk/"})
    assert "That code did not work" in bad.content.decode()
    assert client.get("/desk/").status_code == 302

    ok = client.post("/desk/login/verify/", {"code": totp_code(device, 1), "next": "/desk/"})
    assert ok.status_code == 302 and ok["Location"] == "/desk/"
    assert client.get("/desk/").status_code == 200
    assert AuditEvent.objects.filter(action="login.second_factor_failed").count() == 1
    assert AuditEvent.objects.filter(action="login.second_factor").count() == 1


def test_wrong_codes_slow_down_guessing(client, enrolled, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 60  # a minute's wait, so a slow machine cannot outlast it
    device, _ = enrolled
    password_login(client, "officer_york")
    client.post("/desk/login/verify/", {"code": "123456"})
    # Straight after a wrong code even the right one waits: guessing 6 digits is slowed down.
    response = client.post("/desk/login/verify/", {"code": totp_code(device, 1)})
    assert "That code did not work" in response.content.decode()
    assert client.get("/desk/").status_code == 302


def test_a_recovery_code_works_once(client, enrolled):
    _device, codes = enrolled
    password_login(client, "officer_york")
    assert client.post("/desk/login/verify/", {"code": codes[0]}).status_code == 302
    assert client.get("/desk/").status_code == 200
    assert not StaticToken.objects.filter(token=codes[0]).exists()

    client.post("/desk/logout/")
    password_login(client, "officer_york")
    again = client.post("/desk/login/verify/", {"code": codes[0]})
    assert "That code did not work" in again.content.decode()


def test_verify_refuses_an_outside_next_url(client, enrolled):
    device, _ = enrolled
    password_login(client, "officer_york")
    response = client.post(
        "/desk/login/verify/", {"code": totp_code(device, 1), "next": "https://evil.example/"}
    )
    assert response["Location"] == "/desk/"


def test_a_force_can_make_two_factor_mandatory(client, officer_york):
    policy = officer_york.force.policy
    policy.require_two_factor = True
    policy.save()
    password_login(client, "officer_york")
    response = client.get("/desk/")
    assert response.status_code == 302
    assert response["Location"].startswith("/desk/security/two-factor/")
    enrol = client.get(response["Location"])
    assert "Your force requires two-factor authentication" in enrol.content.decode()


def test_without_the_policy_two_factor_is_optional(client, officer_york):
    password_login(client, "officer_york")
    assert client.get("/desk/").status_code == 200


def test_changing_two_factor_needs_a_recent_password(client, enrolled, settings):
    device, _ = enrolled
    password_login(client, "officer_york")
    client.post("/desk/login/verify/", {"code": totp_code(device, 1)})
    settings.REAUTH_WINDOW_SECONDS = 0
    response = client.post("/desk/security/two-factor/remove/")
    assert response.status_code == 302 and response["Location"].startswith("/desk/reauth/")
    assert TOTPDevice.objects.filter(user=device.user).exists()

    settings.REAUTH_WINDOW_SECONDS = 300
    client.post("/desk/reauth/", {"password": "correct-horse-battery-staple-42"})
    response = client.post("/desk/security/two-factor/remove/")
    assert response.status_code == 302 and response["Location"] == "/desk/security/"
    assert not TOTPDevice.objects.filter(user=device.user).exists()
    assert AuditEvent.objects.filter(action="two_factor.remove").exists()


def test_new_recovery_codes_replace_the_old(client, enrolled):
    device, old = enrolled
    password_login(client, "officer_york")
    client.post("/desk/login/verify/", {"code": totp_code(device, 1)})
    response = client.post("/desk/security/recovery-codes/")
    new = re.findall(r"<li><code>([a-z0-9]+)</code></li>", response.content.decode())
    assert len(new) == 10 and not set(new) & set(old)
    assert not StaticToken.objects.filter(token__in=old).exists()


def test_a_force_admin_can_reset_a_lost_authenticator(
    enrolled, admin, officer_york, admin_other_force
):
    from django.core.exceptions import PermissionDenied

    from beatdesk.people.twofactor import two_factor_remove

    with pytest.raises(PermissionDenied):
        two_factor_remove(actor=admin_other_force, officer=officer_york)
    two_factor_remove(actor=admin, officer=officer_york, reason="lost phone")
    assert not TOTPDevice.objects.filter(user=officer_york.user).exists()
