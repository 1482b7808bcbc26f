"""Extra form fields (force, author, role, approved, user) are ignored by the views that exist."""

import pytest

from beatdesk.audit.models import AuditEvent
from beatdesk.core.testing import TEST_PASSWORD, login
from beatdesk.people.tests.conftest import password_login

pytestmark = pytest.mark.django_db


def test_reauth_checks_the_signed_in_user_not_a_posted_username(client, officer_york, admin):
    password_login(client, "officer_york")
    # The officer's own password with someone else's username confirms only the officer.
    response = client.post(
        "/desk/reauth/", {"password": TEST_PASSWORD, "username": "admin", "user": admin.user_id}
    )
    assert response.status_code == 302
    event = AuditEvent.objects.filter(action="login.reauth").get()
    assert event.actor == officer_york


def test_subject_access_ignores_a_posted_force(client, admin, other_force, officer_other_force):
    officer_other_force.user.email = "ian@riverford.example"
    officer_other_force.user.save()
    login(client, admin)
    response = client.post(
        "/desk/audit/subject-access/",
        {
            "emails": "ian@riverford.example",
            "reason": "SAR-9",
            "force": other_force.slug,
            "force_id": other_force.pk,
        },
    )
    text = response.content.decode()
    assert "North Yorkshire Police" in text and "Riverford" not in text
    assert "Nothing is held about this person." in text


def test_audit_export_ignores_a_requested_force(client, admin, other_force, officer_other_force):
    from beatdesk.audit.services import audit_record

    audit_record(actor=officer_other_force, action="post.create", obj=officer_other_force)
    login(client, admin)
    response = client.get(
        "/desk/audit/export.csv",
        {"reason": "r", "force": other_force.pk, "force_id": other_force.pk},
    )
    body = b"".join(response.streaming_content).decode()
    assert "Frost" not in body


def test_two_factor_enrolment_cannot_target_another_user(client, officer_york, lead_york):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    password_login(client, "officer_york")
    client.get("/desk/security/two-factor/")
    client.post(
        "/desk/security/two-factor/",
        {"code": "000000", "user": lead_york.user_id, "user_id": lead_york.user_id},
    )
    assert not TOTPDevice.objects.filter(user=lead_york.user).exists()
