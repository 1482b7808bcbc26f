import re
import time

import pytest
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from django_otp_webauthn.models import WebAuthnCredential
from webauthn.helpers import bytes_to_base64url

from beatdesk.audit.models import AuditEvent
from beatdesk.people import passkeys, twofactor
from beatdesk.people.reauth import REAUTH_KEY
from beatdesk.people.tests.conftest import password_login, totp_code
from beatdesk.people.tests.softkey import SoftKey

pytestmark = pytest.mark.django_db

ADD = "/desk/security/passkeys/add/"
ADD_OPTIONS = "/desk/security/passkeys/add/options/"
LOGIN_OPTIONS = "/desk/login/verify/passkey/options/"
LOGIN = "/desk/login/verify/passkey/"


def add_key(client, key: SoftKey, name: str = "YubiKey on lanyard"):
    options = client.post(ADD_OPTIONS)
    assert options.status_code == 200, options.content
    return client.post(ADD, {"name": name, "credential": key.register(options.json())})


def sign_in_with_key(client, key: SoftKey, **sign):
    options = client.post(LOGIN_OPTIONS)
    assert options.status_code == 200, options.content
    return client.post(LOGIN, {"credential": key.sign(options.json(), **sign), "next": "/desk/"})


@pytest.fixture
def with_key(client, officer_york):
    """officer_york signed in, with one security key added (and recovery codes)."""
    password_login(client, "officer_york")
    key = SoftKey()
    response = add_key(client, key)
    codes = re.findall(r"<li><code>([a-z0-9]+)</code></li>", response.content.decode())
    client.post("/desk/logout/")
    return key, codes


def test_an_officer_adds_a_named_key_and_gets_recovery_codes(client, officer_york):
    password_login(client, "officer_york")
    page = client.get(ADD)
    assert page.status_code == 200
    assert 'src="/static/people/passkeys.js"' in page.content.decode()
    options = client.post(ADD_OPTIONS).json()
    assert options["rp"] == {"id": "testserver", "name": "Beatdesk"}
    assert options["user"]["name"] == "officer_york"

    key = SoftKey()
    done = client.post(ADD, {"name": "  YubiKey on lanyard ", "credential": key.register(options)})
    codes = re.findall(r"<li><code>([a-z0-9]+)</code></li>", done.content.decode())
    assert len(codes) == 10

    credential = WebAuthnCredential.objects.get(user=officer_york.user)
    assert credential.name == "YubiKey on lanyard" and credential.confirmed
    assert twofactor.has_two_factor(officer_york.user)
    event = AuditEvent.objects.get(action="passkey.add")
    assert event.actor == officer_york and event.data["name"] == "YubiKey on lanyard"

    listing = client.get("/desk/security/").content.decode()
    assert "YubiKey on lanyard" in listing and 'id="passkey-list"' in listing
    assert "Never" in listing  # not used yet
    assert client.get("/desk/").status_code == 200


def test_a_second_key_keeps_the_recovery_codes(client, with_key):
    key, codes = with_key
    password_login(client, "officer_york")
    sign_in_with_key(client, key)
    response = add_key(client, SoftKey(), name="Laptop")
    assert response.status_code == 302 and response["Location"].endswith("#passkeys")
    assert WebAuthnCredential.objects.filter(user__username="officer_york").count() == 2
    # The old codes still work: the device still holds all ten.
    assert twofactor.verify_second_factor(
        WebAuthnCredential.objects.first().user, codes[0]
    ).name == (twofactor.RECOVERY_DEVICE_NAME)


def test_the_same_key_cannot_be_added_twice_and_is_excluded(client, with_key):
    key, _ = with_key
    password_login(client, "officer_york")
    sign_in_with_key(client, key)
    options = client.post(ADD_OPTIONS).json()
    excluded = [c["id"] for c in options["excludeCredentials"]]
    assert excluded == [bytes_to_base64url(key.credential_id)]


def test_a_key_needs_a_name_and_a_real_answer(client, officer_york):
    password_login(client, "officer_york")
    options = client.post(ADD_OPTIONS).json()
    key = SoftKey()
    nameless = client.post(ADD, {"name": " ", "credential": key.register(options)})
    assert nameless.status_code == 400
    assert "Give the key a name" in nameless.content.decode()

    options = client.post(ADD_OPTIONS).json()
    junk = client.post(ADD, {"name": "Key", "credential": "not json"})
    assert junk.status_code == 400 and "did not send an answer" in junk.content.decode()

    # A key made for another site (origin) is refused.
    options = client.post(ADD_OPTIONS).json()
    phished = client.post(
        ADD, {"name": "Key", "credential": key.register(options, origin="https://evil.example")}
    )
    assert phished.status_code == 400
    assert "could not be checked" in phished.content.decode()
    assert not WebAuthnCredential.objects.exists()
    assert not AuditEvent.objects.filter(action="passkey.add").exists()
    # The refused key is in the trail (the junk answer too; a missing name is only a form error).
    refused = AuditEvent.objects.filter(action="passkey.add_failed", outcome="refused")
    assert refused.count() == 2
    assert refused.filter(actor=officer_york).count() == 2


def test_adding_a_key_needs_a_recent_password(client, officer_york, settings):
    password_login(client, "officer_york")
    session = client.session
    session[REAUTH_KEY] = time.time() - settings.REAUTH_WINDOW_SECONDS - 1
    session.save()
    page = client.get(ADD)
    assert page.status_code == 302 and page["Location"].startswith("/desk/reauth/")
    options = client.post(ADD_OPTIONS)
    assert options.status_code == 403
    assert options.json()["reauth"].startswith("/desk/reauth/?next=")
    post = client.post(ADD, {"name": "Key", "credential": "{}"})
    assert post.status_code == 302 and post["Location"].startswith("/desk/reauth/")
    assert not WebAuthnCredential.objects.exists()


def test_sign_in_with_password_then_the_key(client, with_key):
    key, _ = with_key
    password_login(client, "officer_york")
    desk = client.get("/desk/")
    assert desk.status_code == 302 and desk["Location"].startswith("/desk/login/verify/")
    verify = client.get(desk["Location"]).content.decode()
    assert "Use your security key or passkey" in verify
    assert "Lost your key? Enter one of your recovery codes." in verify

    options = client.post(LOGIN_OPTIONS).json()
    credential = WebAuthnCredential.objects.get()
    assert [c["id"] for c in options["allowCredentials"]] == [bytes_to_base64url(key.credential_id)]
    ok = client.post(LOGIN, {"credential": key.sign(options), "next": "/desk/security/"})
    assert ok.status_code == 302 and ok["Location"] == "/desk/security/"
    assert client.get("/desk/").status_code == 200
    event = AuditEvent.objects.get(action="login.second_factor")
    assert event.data["method"] == "security key"
    assert event.data["name"] == "YubiKey on lanyard"
    credential.refresh_from_db()
    assert credential.last_used_at is not None and credential.sign_count == 1


def test_a_failed_key_is_audited_and_explained(client, with_key):
    key, _ = with_key
    password_login(client, "officer_york")
    wrong_origin = sign_in_with_key(client, key, origin="https://evil.example")
    assert wrong_origin.status_code == 400
    assert "could not be checked" in wrong_origin.content.decode()
    assert 'role="alert"' in wrong_origin.content.decode()
    failed = AuditEvent.objects.get(action="login.second_factor_failed")
    assert failed.outcome == "refused" and failed.data["method"] == "security key"
    assert client.get("/desk/").status_code == 302

    # An answer cannot be replayed: the challenge is used up.
    options = client.post(LOGIN_OPTIONS).json()
    answer = key.sign(options)
    assert client.post(LOGIN, {"credential": answer}).status_code == 302
    client.post("/desk/logout/")
    password_login(client, "officer_york")
    replay = client.post(LOGIN, {"credential": answer})
    assert replay.status_code == 400 and "The request expired" in replay.content.decode()


def test_a_cloned_key_is_refused(client, with_key):
    key, _ = with_key
    password_login(client, "officer_york")
    assert sign_in_with_key(client, key).status_code == 302
    client.post("/desk/logout/")
    password_login(client, "officer_york")
    key.sign_count = 0  # a copy of the key that has not seen the last use
    cloned = sign_in_with_key(client, key)
    assert cloned.status_code == 400
    assert client.get("/desk/").status_code == 302


def test_another_officers_key_does_not_work(client, with_key, officer_scarborough):
    _york_key, _ = with_key
    password_login(client, "officer_scarborough")
    their_key = SoftKey()
    add_key(client, their_key, name="Scarborough key")
    client.post("/desk/logout/")

    password_login(client, "officer_york")
    options = client.post(LOGIN_OPTIONS).json()
    options["allowCredentials"] = []  # a browser offering any key it has
    refused = client.post(LOGIN, {"credential": their_key.sign(options)})
    assert refused.status_code == 400
    assert "not registered for your login" in refused.content.decode()
    event = AuditEvent.objects.get(action="login.second_factor_failed")
    assert event.data["error"] == "credential_user_mismatch"
    assert client.get("/desk/").status_code == 302


def test_key_pages_are_closed_before_the_password_and_after_verification(client, with_key):
    assert client.post(LOGIN_OPTIONS).status_code == 400
    assert client.post(LOGIN, {"credential": "{}"})["Location"] == "/desk/login/"
    key, _ = with_key
    password_login(client, "officer_york")
    # Adding another key needs the current second factor first.
    assert client.get(ADD)["Location"].startswith("/desk/login/verify/")
    assert client.post(ADD_OPTIONS)["Location"].startswith("/desk/login/verify/")
    sign_in_with_key(client, key)
    assert client.post(LOGIN_OPTIONS).status_code == 400


def test_a_key_meets_the_forces_two_factor_rule(client, officer_york):
    policy = officer_york.force.policy
    policy.require_two_factor = True
    policy.save()
    password_login(client, "officer_york")
    enrol = client.get("/desk/security/two-factor/").content.decode()
    assert 'href="/desk/security/passkeys/add/"' in enrol
    assert client.get(ADD).status_code == 200
    add_key(client, SoftKey())
    assert client.get("/desk/").status_code == 200

    client.post("/desk/logout/")
    password_login(client, "officer_york")
    assert client.get("/desk/")["Location"].startswith("/desk/login/verify/")


def test_an_officer_with_an_authenticator_can_also_use_a_key(client, enrolled):
    device, _codes = enrolled
    password_login(client, "officer_york")
    client.post("/desk/login/verify/", {"code": totp_code(device, 1), "next": "/desk/"})
    key = SoftKey()
    assert add_key(client, key, name="Phone").status_code == 302
    client.post("/desk/logout/")
    password_login(client, "officer_york")
    verify = client.get("/desk/login/verify/").content.decode()
    assert "Use your security key or passkey" in verify and "6-digit code" in verify
    assert sign_in_with_key(client, key)["Location"] == "/desk/"
    status = client.get("/desk/security/").content.decode()
    assert "authenticator app or one of your security keys or passkeys" in status
    client.post("/desk/logout/")
    password_login(client, "officer_york")
    assert sign_in_with_key(client, key)["Location"] == "/desk/"


def test_removing_keys(client, with_key, officer_york):
    key, _ = with_key
    password_login(client, "officer_york")
    sign_in_with_key(client, key)
    credential = WebAuthnCredential.objects.get()
    removed = client.post(f"/desk/security/passkeys/{credential.pk}/remove/")
    assert removed.status_code == 302
    assert not WebAuthnCredential.objects.exists()
    event = AuditEvent.objects.get(action="passkey.remove")
    assert event.data["name"] == "YubiKey on lanyard"
    # The last second factor gone: so are the recovery codes, and sign-in is password only.
    assert not twofactor.has_two_factor(officer_york.user)
    assert not twofactor.has_recovery_codes(officer_york.user)
    page = client.get("/desk/security/").content.decode()
    assert 'id="no-passkeys"' in page
    assert "Removed &#x27;YubiKey on lanyard&#x27;" in page


def test_a_colleague_cannot_remove_a_key_and_another_force_cannot_see_it(
    client, with_key, officer_scarborough, admin, officer_other_force
):
    credential = WebAuthnCredential.objects.get()
    url = f"/desk/security/passkeys/{credential.pk}/remove/"
    password_login(client, "officer_scarborough")
    assert client.post(url).status_code == 403
    assert AuditEvent.objects.filter(outcome="refused", actor=officer_scarborough).exists()
    client.post("/desk/logout/")
    password_login(client, "officer_other_force")
    assert client.post(url).status_code == 404
    client.post("/desk/logout/")
    # The force admin can remove a lost key.
    password_login(client, "admin")
    assert client.post(url)["Location"] == "/desk/staff/"
    assert not WebAuthnCredential.objects.exists()


def test_the_force_admin_reset_removes_keys_too(with_key, admin, officer_york):
    twofactor.two_factor_remove(actor=admin, officer=officer_york, reason="Lost lanyard")
    assert not WebAuthnCredential.objects.exists()
    assert not twofactor.has_two_factor(officer_york.user)


def test_relying_party_from_settings_or_the_request(settings):
    request = RequestFactory().get("/", HTTP_HOST="localhost:8000")
    settings.WEBAUTHN_RP_ID = ""
    settings.WEBAUTHN_ORIGINS = []
    assert passkeys.relying_party_id(request) == "localhost"
    assert passkeys.PasskeyHelper(request).get_allowed_origins() == ["http://localhost:8000"]
    assert passkeys.available(request)
    assert not passkeys.available(RequestFactory().get("/", HTTP_HOST="127.0.0.1:8000"))
    settings.WEBAUTHN_RP_ID = "desk.police.example"
    settings.WEBAUTHN_ORIGINS = ["https://desk.police.example"]
    assert passkeys.relying_party_id(request) == "desk.police.example"
    assert passkeys.PasskeyHelper(request).get_allowed_origins() == ["https://desk.police.example"]


def test_on_an_ip_address_the_page_says_to_use_the_name(client, officer_york, settings):
    settings.ALLOWED_HOSTS = ["127.0.0.1", "testserver"]
    password_login(client, "officer_york")
    page = client.get(ADD, HTTP_HOST="127.0.0.1").content.decode()
    assert 'id="passkey-unavailable"' in page and "passkeys.js" not in page


def test_a_refusal_is_raised_by_the_service(with_key, officer_scarborough):
    with pytest.raises(PermissionDenied):
        passkeys.passkey_remove(
            actor=officer_scarborough, credential=WebAuthnCredential.objects.get()
        )
