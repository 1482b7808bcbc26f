"""Security headers, the production settings check, and the friendly refusal pages."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from beatdesk.audit.models import AuditEvent
from beatdesk.core.testing import login

ROOT = Path(__file__).resolve().parents[3]


def production_env(tmp_path) -> dict:
    # A clean environment: nothing the test run itself sets (async-unsafe, test flags).
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("BEATDESK_", "DJANGO_", "PYTEST"))
    }
    env.update(
        BEATDESK_SECRET_KEY=secrets.token_urlsafe(50),
        BEATDESK_DEBUG="false",
        BEATDESK_TESTING="false",
        BEATDESK_HTTPS="true",
        BEATDESK_ALLOWED_HOSTS="desk.example.org",
        BEATDESK_DATA_DIR=str(tmp_path),
    )
    return env


def with_production_settings(tmp_path, code: str) -> subprocess.CompletedProcess:
    """Run Python ``code`` in a fresh process whose settings are production's."""
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_deploy_check_passes_with_production_settings(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "beatdesk", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_values(tmp_path):
    code = (
        "from beatdesk import settings as s;"
        "print(s.PASSWORD_HASHERS[0], s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE,"
        " s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_AGE, s.SESSION_ABSOLUTE_AGE, s.AXES_FAILURE_LIMIT)"
    )
    result = with_production_settings(tmp_path, code)
    assert result.stdout.split() == [
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "True",
        "True",
        "31536000",
        "1800",
        "43200",
        "10",
    ], result.stderr


@pytest.mark.django_db
def test_pages_carry_a_strict_content_security_policy(client, force):
    response = client.get("/desk/login/")
    csp = response["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";") if " " in d.strip())
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
    assert directives["frame-ancestors"] == "'none'"
    assert "'nonce-" in directives["script-src"]
    assert directives["object-src"] == "'none'"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Frame-Options"] == "DENY"
    # The nonce in the header is the one on the page's scripts, and differs per response.
    nonce = directives["script-src"].split("'nonce-")[1].split("'")[0]
    second = client.get("/desk/login/")["Content-Security-Policy"]
    assert nonce not in second


@pytest.mark.django_db
def test_hsts_is_sent_over_https(client, force, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    response = client.get("/desk/login/", secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


@pytest.mark.django_db
def test_a_refusal_is_a_friendly_403_page_and_audited(client, officer_york):
    login(client, officer_york)
    response = client.get("/desk/audit/")
    assert response.status_code == 403
    body = response.content.decode()
    assert "You cannot do that here" in body and "<title>" in body
    assert AuditEvent.objects.filter(action="refused.view_audit", actor=officer_york).exists()


@pytest.mark.django_db
def test_unknown_pages_get_a_plain_404(client, force):
    response = client.get("/desk/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.urls("beatdesk.core.tests.urls_refusal")
def test_a_refusal_rolled_back_with_its_transaction_is_still_audited(client, officer_york):
    login(client, officer_york)
    response = client.get("/desk/refused/")
    assert response.status_code == 403
    assert "You cannot do that here" in response.content.decode()
    events = AuditEvent.objects.filter(action="refused.view_audit", actor=officer_york)
    assert events.count() == 1
    from beatdesk.audit.chain import verify_chains

    assert verify_chains().ok
