import pytest

from beatdesk.audit.models import AuditEvent
from beatdesk.core.testing import TEST_PASSWORD
from beatdesk.people.tests.conftest import password_login

pytestmark = pytest.mark.django_db

EXPORT = "/desk/audit/export.csv?reason=board+review"


def test_signing_in_counts_as_a_recent_password(client, admin):
    password_login(client, "admin")
    assert client.get(EXPORT).status_code == 200


def test_after_the_window_the_password_is_asked_again(client, admin, settings):
    password_login(client, "admin")
    settings.REAUTH_WINDOW_SECONDS = 0
    response = client.get(EXPORT)
    assert response.status_code == 302
    assert response["Location"].startswith("/desk/reauth/?next=")
    assert not AuditEvent.objects.filter(action="audit.export").exists()

    page = client.get(response["Location"])
    assert "Confirm it is you" in page.content.decode()
    wrong = client.post(response["Location"], {"password": "nope-nope-nope"})
    assert "That password is not right" in wrong.content.decode()

    settings.REAUTH_WINDOW_SECONDS = 300
    ok = client.post(response["Location"], {"password": TEST_PASSWORD})
    assert ok.status_code == 302 and ok["Location"] == EXPORT
    assert client.get(EXPORT).status_code == 200
    assert AuditEvent.objects.filter(action="login.reauth", actor=admin).exists()


def test_reauth_never_redirects_off_site(client, admin):
    password_login(client, "admin")
    response = client.post("/desk/reauth/?next=https://evil.example/", {"password": TEST_PASSWORD})
    assert response["Location"] == "/desk/"


def test_htmx_requests_are_told_where_to_confirm(client, admin, settings):
    password_login(client, "admin")
    settings.REAUTH_WINDOW_SECONDS = 0
    response = client.get(EXPORT, HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith("/desk/reauth/")
