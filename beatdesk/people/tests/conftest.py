import time

import pytest
from django_otp.oath import TOTP

from beatdesk.core.testing import TEST_PASSWORD


def totp_code(device, offset_steps: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + offset_steps * device.step
    return f"{totp.token():0{device.digits}d}"


def password_login(client, username: str, password: str = TEST_PASSWORD):
    """Sign in through the real form (so brute-force protection and signals run)."""
    return client.post("/desk/login/", {"username": username, "password": password})


@pytest.fixture
def enrolled(officer_york):
    """officer_york with a confirmed authenticator and recovery codes."""
    from beatdesk.people import twofactor

    device = twofactor.pending_totp_device(officer_york.user)
    codes = twofactor.totp_device_confirm(
        actor=officer_york, device=device, token=totp_code(device)
    )
    device.refresh_from_db()
    return device, codes
