import pytest

from beatdesk.audit.models import AuditEvent
from beatdesk.core.testing import TEST_PASSWORD, login

pytestmark = pytest.mark.django_db


def test_desk_needs_login(client, force):
    response = client.get("/desk/")
    assert response.status_code == 302
    assert response["Location"].startswith("/desk/login/")


def test_home_lists_only_postable_accounts(client, officer_york):
    login(client, officer_york)
    response = client.get("/desk/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "York Police" in body
    assert "Scarborough Police" not in body
    assert "^JH" in body


def test_comms_sees_every_account(client, comms):
    login(client, comms)
    body = client.get("/desk/").content.decode()
    for name in ("North Yorkshire Police", "York Police", "Scarborough Police"):
        assert name in body


def test_login_form_rejects_wrong_password(client, officer_york):
    response = client.post(
        "/desk/login/", {"username": "officer_york", "password": "wrong-password-123"}
    )
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()


def test_role_change_ends_sessions(client, officer_york, admin):
    from beatdesk.people.services import officer_set_force_role

    login(client, officer_york)
    assert client.get("/desk/").status_code == 200
    officer_set_force_role(actor=admin, officer=officer_york, force_role="comms")
    assert client.get("/desk/").status_code == 302
    assert AuditEvent.objects.filter(action="officer.role_change", actor=admin).exists()
    assert client.login(username="officer_york", password=TEST_PASSWORD)
