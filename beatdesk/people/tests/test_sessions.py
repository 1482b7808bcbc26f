import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone

from beatdesk.core.middleware import LOGIN_TIME_KEY
from beatdesk.people.tests.conftest import password_login

pytestmark = pytest.mark.django_db


def test_signing_in_gives_a_new_session_id(client, officer_york):
    before = client.session
    before["visited"] = True
    before.save()
    old_key = before.session_key
    client.cookies[settings.SESSION_COOKIE_NAME] = old_key
    password_login(client, "officer_york")
    new_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert new_key and new_key != old_key
    assert not Session.objects.filter(session_key=old_key).exists()


def test_the_session_cookie_is_httponly_samesite_and_short_lived(client, officer_york):
    response = password_login(client, "officer_york")
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert int(cookie["max-age"]) == 30 * 60


def test_thirty_minutes_idle_ends_the_session(client, officer_york):
    password_login(client, "officer_york")
    assert client.get("/desk/").status_code == 200
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    # Each request pushes the expiry 30 minutes on...
    expiry = Session.objects.get(session_key=key).expire_date
    assert timedelta(minutes=29) < expiry - timezone.now() <= timedelta(minutes=30)
    # ...but a request within the minute does not write the session again (the inbox polls)...
    Session.objects.filter(session_key=key).update(expire_date=expiry - timedelta(minutes=5))
    client.get("/desk/")
    assert Session.objects.get(session_key=key).expire_date == expiry - timedelta(minutes=5)
    # ...while one after it does.
    session = client.session
    session["beatdesk_touched_at"] = session["beatdesk_touched_at"] - 61
    session.save()
    Session.objects.filter(session_key=key).update(expire_date=expiry - timedelta(minutes=5))
    client.get("/desk/")
    renewed = Session.objects.get(session_key=key).expire_date
    assert timedelta(minutes=29) < renewed - timezone.now() <= timedelta(minutes=30)
    # ...and a session left idle past it is gone, whatever the browser sends.
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    response = client.get("/desk/")
    assert response.status_code == 302 and response["Location"].startswith("/desk/login/")


def test_twelve_hours_after_sign_in_the_session_ends_even_if_active(client, officer_york):
    password_login(client, "officer_york")
    session = client.session
    assert time.time() - session[LOGIN_TIME_KEY] < 60
    session[LOGIN_TIME_KEY] = time.time() - 12 * 60 * 60 + 30
    session.save()
    assert client.get("/desk/").status_code == 200
    session = client.session
    session[LOGIN_TIME_KEY] = time.time() - 12 * 60 * 60 - 1
    session.save()
    response = client.get("/desk/")
    assert response.status_code == 302 and response["Location"].startswith("/desk/login/")


def test_disabling_an_officer_ends_their_session_at_once(client, officer_york, admin):
    from beatdesk.people.services import officer_set_active

    password_login(client, "officer_york")
    assert client.get("/desk/").status_code == 200
    officer_set_active(actor=admin, officer=officer_york, active=False, reason="left the force")
    assert client.get("/desk/").status_code == 302
    assert password_login(client, "officer_york").status_code == 200  # refused: form again


def test_changing_a_district_role_ends_their_session(client, officer_york, admin):
    from beatdesk.people.services import membership_set

    password_login(client, "officer_york")
    assert client.get("/desk/").status_code == 200
    membership_set(
        actor=admin,
        officer=officer_york,
        district=officer_york.memberships.first().district,
        role="lead",
    )
    assert client.get("/desk/").status_code == 302
