import pytest

from beatdesk.audit.models import AuditEvent
from beatdesk.core.testing import login
from beatdesk.people.models import Officer

pytestmark = pytest.mark.django_db


def test_only_force_admins_see_staff(client, comms, admin):
    login(client, comms)
    assert client.get("/desk/staff/").status_code == 403
    client.logout()
    login(client, admin)
    body = client.get("/desk/staff/").content.decode()
    assert "officer_york" in body and "lead_scarborough" in body


def test_changing_a_role_needs_a_recent_password_and_ends_sessions(
    client, admin, officer_york, settings
):
    from django.test import Client

    theirs = Client()
    login(theirs, officer_york)
    assert theirs.get("/desk/").status_code == 200

    login(client, admin)
    settings.REAUTH_WINDOW_SECONDS = 0
    response = client.post(f"/desk/staff/{officer_york.pk}/", {"force_role": "comms"})
    assert response["Location"].startswith("/desk/reauth/")
    officer_york.refresh_from_db()
    assert officer_york.force_role == ""

    settings.REAUTH_WINDOW_SECONDS = 300
    client.post("/desk/reauth/", {"password": "correct-horse-battery-staple-42"})
    response = client.post(f"/desk/staff/{officer_york.pk}/", {"force_role": "comms"})
    assert response["Location"] == "/desk/staff/"
    officer_york.refresh_from_db()
    assert officer_york.force_role == "comms"
    assert theirs.get("/desk/").status_code == 302
    assert AuditEvent.objects.filter(action="officer.role_change", actor=admin).exists()


def test_disabling_an_officer(client, admin, officer_york):
    login(client, admin)
    client.post(f"/desk/staff/{officer_york.pk}/", {"active": "no", "reason": "left"})
    assert not Officer.objects.get(pk=officer_york.pk).is_active
    assert AuditEvent.objects.get(action="officer.disable").reason == "left"


def test_an_officer_of_another_force_is_not_found(client, admin, officer_other_force):
    login(client, admin)
    response = client.post(f"/desk/staff/{officer_other_force.pk}/", {"force_role": "admin"})
    assert response.status_code == 404
    officer_other_force.refresh_from_db()
    assert officer_other_force.force_role == ""


def test_an_officer_cannot_promote_themselves(client, officer_york):
    login(client, officer_york)
    response = client.post(f"/desk/staff/{officer_york.pk}/", {"force_role": "admin"})
    assert response.status_code == 403
    officer_york.refresh_from_db()
    assert officer_york.force_role == ""


def test_a_force_admin_resets_a_lost_second_factor(client, admin, officer_york, enrolled):
    from django_otp import devices_for_user

    assert list(devices_for_user(officer_york.user, confirmed=True))
    login(client, admin)
    page = client.get("/desk/staff/").content.decode()
    assert f"two-factor of {officer_york.public_name}" in page
    response = client.post(f"/desk/staff/{officer_york.pk}/", {"reset_two_factor": "yes"})
    assert response["Location"] == "/desk/staff/"
    assert not list(devices_for_user(officer_york.user, confirmed=True))
    assert AuditEvent.objects.filter(
        actor=admin, action="two_factor.remove", object_id=str(officer_york.pk)
    ).exists()


def test_only_a_force_admin_can_reset_someone_elses_second_factor(
    client, lead_york, officer_york, enrolled
):
    from django_otp import devices_for_user

    login(client, lead_york)
    response = client.post(f"/desk/staff/{officer_york.pk}/", {"reset_two_factor": "yes"})
    assert response.status_code == 403
    assert list(devices_for_user(officer_york.user, confirmed=True))
