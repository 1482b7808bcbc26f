"""Secrets never reach the logs or the database in clear: a planted token is searched for."""

import io
import logging

import pytest
from django.core.management import call_command

from beatdesk.core.logredact import REDACTED, RedactSecretsFilter, redact

# Fixed so parallel workers collect the same test ids; unlikely anywhere by chance.
TOKEN = "plantedSECRETq7Zk2mW9xR4vB8nT"


@pytest.fixture
def log_output():
    """The configured console handler (with its redaction filter), writing to a buffer."""
    root = logging.getLogger()
    handler = next(
        h for h in root.handlers if any(isinstance(f, RedactSecretsFilter) for f in h.filters)
    )
    buffer = io.StringIO()
    previous = handler.setStream(buffer)
    yield buffer
    handler.setStream(previous)


@pytest.mark.parametrize(
    "line",
    [
        f"Authorization: Bearer {TOKEN}",
        f"headers={{'Authorization': 'Bearer {TOKEN}'}}",
        f"POST /oauth/token client_secret={TOKEN}&grant_type=code",
        f'{{"access_token": "{TOKEN}", "expires_in": 3600}}',
        f"refresh_token={TOKEN}",
        f"login failed password={TOKEN}",
        f"app_password: {TOKEN}",
        f"Cookie: sessionid={TOKEN}",
    ],
)
def test_redaction_patterns(line):
    cleaned = redact(line)
    assert TOKEN not in cleaned
    assert REDACTED in cleaned


def test_ordinary_lines_are_untouched():
    line = "Delivery 42 sent to mastodon in 120 ms; 3 tokens of rate budget left"
    assert redact(line) == line


def test_logs_never_show_a_planted_token(log_output):
    logger = logging.getLogger("beatdesk.networks.test")
    logger.warning("Request failed with headers %s", {"Authorization": f"Bearer {TOKEN}"})
    logger.info("token response: %s", {"access_token": TOKEN, "token_type": "bearer"})
    try:
        raise RuntimeError(f"upstream said: invalid refresh_token={TOKEN}")
    except RuntimeError:
        logger.exception("Refreshing the session failed")
    output = log_output.getvalue()
    assert "Request failed with headers" in output and "Refreshing the session failed" in output
    assert "RuntimeError" in output
    assert TOKEN not in output


@pytest.mark.django_db
def test_a_password_typed_at_sign_in_is_not_in_the_database_or_logs(
    client, officer_york, log_output
):
    # Someone pastes a secret into the password box; it fails, is counted, and is audited.
    for _ in range(3):
        client.post("/desk/login/", {"username": "officer_york", "password": TOKEN})
    dump = io.StringIO()
    call_command("dumpdata", stdout=dump)
    assert "login.failed" in dump.getvalue()  # the attempts were recorded...
    assert TOKEN not in dump.getvalue()  # ...without what was typed
    assert TOKEN not in log_output.getvalue()


def test_text_from_the_public_cannot_forge_log_lines(log_output):
    from beatdesk.core.tests.hostile import PAYLOADS

    logging.getLogger("beatdesk.inbox.test").warning(
        "Message text: %s", PAYLOADS["newline_log_forging"]
    )
    lines = log_output.getvalue().splitlines()
    assert len(lines) == 1
    assert "ok\\n2026-01-01 INFO forged log line" in lines[0]
