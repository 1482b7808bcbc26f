from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.utils import timezone

from beatdesk.audit.models import AuditEvent
from beatdesk.people.tests.conftest import password_login

pytestmark = pytest.mark.django_db


def fail(client, username, ip="198.51.100.7", times=1):
    for _ in range(times):
        client.post(
            "/desk/login/",
            {"username": username, "password": "not-the-password-1"},
            REMOTE_ADDR=ip,
        )


def test_ten_failures_pause_the_account_with_a_clear_message(client, officer_york):
    fail(client, "officer_york", times=9)
    ok_page = client.post(
        "/desk/login/",
        {"username": "officer_york", "password": "wrong-again-123"},
        REMOTE_ADDR="198.51.100.7",
    )
    # The tenth failure locks; until then the normal form comes back.
    assert ok_page.status_code in (200, 429)
    response = password_login(client, "officer_york")  # even the right password waits
    assert response.status_code == 429
    body = response.content.decode()
    assert "Sign-in paused for 15 minutes" in body
    assert "the pause lifts by itself" in body
    assert client.get("/desk/").status_code == 302
    assert (
        AuditEvent.objects.filter(action="login.failed", object_id=str(officer_york.pk)).count()
        >= 9
    )


def test_the_account_lock_applies_from_any_address(client, officer_york):
    for n in range(10):
        fail(client, "officer_york", ip=f"203.0.113.{n + 1}")
    response = client.post(
        "/desk/login/",
        {"username": "officer_york", "password": "correct-horse-battery-staple-42"},
        REMOTE_ADDR="192.0.2.200",
    )
    assert response.status_code == 429


def test_one_address_trying_many_accounts_is_paused(client, officer_york):
    for n in range(10):
        fail(client, f"guess{n}", ip="198.51.100.99")
    blocked = client.post(
        "/desk/login/",
        {"username": "officer_york", "password": "correct-horse-battery-staple-42"},
        REMOTE_ADDR="198.51.100.99",
    )
    assert blocked.status_code == 429
    # The officer can still sign in from their own address: the desk is not locked out.
    elsewhere = client.post(
        "/desk/login/",
        {"username": "officer_york", "password": "correct-horse-battery-staple-42"},
        REMOTE_ADDR="192.0.2.10",
    )
    assert elsewhere.status_code == 302


def test_the_pause_lifts_by_itself(client, officer_york):
    fail(client, "officer_york", times=10)
    assert password_login(client, "officer_york").status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    response = client.post(
        "/desk/login/",
        {"username": "officer_york", "password": "correct-horse-battery-staple-42"},
    )
    assert response.status_code == 302
    assert client.get("/desk/").status_code == 200


def test_fewer_than_ten_failures_do_not_lock(client, officer_york):
    fail(client, "officer_york", ip="127.0.0.1", times=9)
    assert password_login(client, "officer_york").status_code == 302
