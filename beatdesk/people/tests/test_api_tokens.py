"""Personal API tokens: made on the security page, shown once, used as a bearer token by the
compose API, and stopped by revoking, expiry, a role change or being disabled."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from beatdesk.audit.models import AuditEvent
from beatdesk.core.testing import login
from beatdesk.people import services, tokens
from beatdesk.people.models import ApiToken, ForceRole
from beatdesk.publishing.models import Post

pytestmark = pytest.mark.django_db


def make_token(client) -> str:
    response = client.post(
        reverse("people:api-token-new"), {"name": "Phone shortcut", "days": "90"}
    )
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    found = re.search(r'id="token-text" value="(bd_[^"]+)"', response.content.decode())
    assert found, response.content.decode()
    return found.group(1)


def post_with_token(text_token: str, text: str = "Shop watch meeting at 7pm", **body):
    client = Client(enforce_csrf_checks=True)  # no cookies, no CSRF token: the bearer suffices
    payload = {"account": "york", "parts": [{"text": text}], "client_token": text, **body}
    return client.post(
        "/api/v1/posts/",
        data=json.dumps(payload),
        content_type="application/json",
        headers={"Authorization": f"Bearer {text_token}"},
    )


def test_an_officer_makes_a_token_and_posts_with_it(force, officer_york):
    client = login(Client(), officer_york)
    text_token = make_token(client)
    stored = ApiToken.objects.get(officer=officer_york)
    # Only a hash is kept: the secret appears nowhere in the row.
    # bd_<prefix>_<secret>: the secret is URL-safe base64, which may itself hold "_".
    secret = text_token.split("_", 2)[2]
    assert len(secret) >= 40
    assert secret not in str(stored.__dict__)
    assert stored.expires_at - timezone.now() > timedelta(days=89)

    response = post_with_token(text_token)
    assert response.status_code == 201, response.content
    post = Post.objects.get(pk=response.json()["id"])
    assert post.author == officer_york and post.account.slug == "york"
    # The audit trail names the token (by prefix) that acted.
    created = AuditEvent.objects.filter(action="post.create", object_id=str(post.pk)).get()
    assert created.origin == f"token:{stored.prefix}" and created.actor == officer_york
    assert AuditEvent.objects.filter(action="api_token.create", actor=officer_york).exists()
    stored.refresh_from_db()
    assert stored.last_used_at is not None

    # The security page lists it, without its secret.
    page = client.get(reverse("people:security")).content.decode()
    assert page.count('id="api-tokens"') == 1
    assert re.search(r"<title>Sign-in security[^<]*</title>", page)
    assert "Phone shortcut" in page and f"bd_{stored.prefix}_" in page and secret not in page


def test_the_token_carries_the_officers_permissions(force, officer_york):
    text_token = make_token(login(Client(), officer_york))
    response = post_with_token(text_token, account="scarborough")
    assert response.status_code == 403
    assert AuditEvent.objects.filter(outcome="refused", actor=officer_york).exists()
    assert not Post.objects.exists()


@pytest.mark.parametrize(
    ("header", "says"),
    [
        ("Bearer", "Authorization: Bearer <token>"),
        ("Basic dXNlcjpwYXNz", "Authorization: Bearer <token>"),
        ("Bearer abc", "start with bd_"),
        ("Bearer bd_nope_nope", "not valid"),
    ],
)
def test_bad_tokens_get_a_clear_401(force, header, says):
    response = Client().post(
        "/api/v1/posts/", data="{}", content_type="application/json",
        headers={"Authorization": header},
    )  # fmt: skip
    assert response.status_code == 401
    assert says in response.json()["error"]
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_wrong_secret_with_a_real_prefix_is_refused(force, officer_york):
    text_token = make_token(login(Client(), officer_york))
    forged = text_token[: text_token.rindex("_") + 1] + "x" * 43
    assert post_with_token(forged).status_code == 401


def test_revoked_expired_and_role_changed_tokens_stop_working(force, officer_york, admin):
    client = login(Client(), officer_york)
    first, second, third = make_token(client), make_token(client), make_token(client)
    one, two, _ = ApiToken.objects.order_by("pk")

    response = client.post(reverse("people:api-token-revoke", args=[one.pk]))
    assert response.status_code == 302
    assert "revoked" in post_with_token(first).json()["error"]

    ApiToken.objects.filter(pk=two.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert "expired" in post_with_token(second).json()["error"]

    assert post_with_token(third, "Still fine").status_code == 201
    services.officer_set_force_role(actor=admin, officer=officer_york, force_role=ForceRole.COMMS)
    response = post_with_token(third, "After the role change")
    assert response.status_code == 401 and "role changed" in response.json()["error"]

    statuses = [t.status for t in tokens.tokens_for_page(officer_york)]
    assert sorted(statuses) == ["Ended with your sessions", "Expired", "Revoked"]


def test_a_disabled_officers_token_stops_working(force, officer_york, admin):
    text_token = make_token(login(Client(), officer_york))
    services.officer_set_active(actor=admin, officer=officer_york, active=False)
    assert post_with_token(text_token).status_code == 401


def test_only_the_officer_or_a_force_admin_can_revoke(
    force, officer_york, officer_scarborough, admin, admin_other_force
):
    make_token(login(Client(), officer_york))
    token = ApiToken.objects.get()
    url = reverse("people:api-token-revoke", args=[token.pk])
    assert login(Client(), officer_scarborough).post(url).status_code == 403
    assert AuditEvent.objects.filter(
        actor=officer_scarborough, action="refused.revoke_api_token"
    ).exists()
    assert login(Client(), admin_other_force).post(url).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    assert login(Client(), admin).post(url).status_code == 302
    token.refresh_from_db()
    assert token.revoked_by == admin
    assert AuditEvent.objects.filter(actor=admin, action="api_token.revoke").exists()


def test_making_a_token_checks_its_input_and_keeps_what_was_typed(force, officer_york):
    client = login(Client(), officer_york)
    response = client.post(reverse("people:api-token-new"), {"name": "  ", "days": "90"})
    assert response.status_code == 400
    assert "Give the token a name" in response.content.decode()
    response = client.post(reverse("people:api-token-new"), {"name": "Script", "days": "7"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "30, 90, 365 days" in page and 'value="Script"' in page
    assert not ApiToken.objects.exists()


def test_making_a_token_needs_a_recent_password(force, officer_york, settings):
    settings.REAUTH_WINDOW_SECONDS = 0
    client = login(Client(), officer_york)
    response = client.post(reverse("people:api-token-new"), {"name": "Late", "days": "30"})
    assert response.status_code == 302 and "/reauth/" in response["Location"]
    assert not ApiToken.objects.exists()


def test_the_session_path_still_needs_csrf(force, officer_york):
    client = login(Client(enforce_csrf_checks=True), officer_york)
    response = client.post(
        "/api/v1/posts/",
        data=json.dumps({"account": "york", "parts": [{"text": "x"}], "client_token": "c"}),
        content_type="application/json",
    )
    assert response.status_code == 403 and "CSRF" in response.json()["error"]
    assert not Post.objects.exists()
