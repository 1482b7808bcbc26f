"""Two-factor authentication: TOTP devices (authenticator apps) and recovery codes.

Built on django-otp: a ``TOTPDevice`` per officer, and a ``StaticDevice`` named "recovery" whose
single-use tokens are the recovery codes. The writes here follow the service rules (permission,
validation, transaction, audit).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django_otp import devices_for_user
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from beatdesk.audit.services import audit_record
from beatdesk.core.permissions import require
from beatdesk.people.models import Officer, User

RECOVERY_DEVICE_NAME = "recovery"
RECOVERY_CODE_COUNT = 10


def has_two_factor(user: User) -> bool:
    """An authenticator app or a passkey/security key. Recovery codes only ever exist beside
    one of them, so they need no query."""
    from django_otp_webauthn.models import WebAuthnCredential

    return (
        TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        or WebAuthnCredential.objects.filter(user=user, confirmed=True).exists()
    )


def users_with_two_factor(user_ids) -> set[int]:
    """Which of these users have an authenticator app or a passkey."""
    from django_otp_webauthn.models import WebAuthnCredential

    return set(
        TOTPDevice.objects.filter(user_id__in=user_ids, confirmed=True).values_list(
            "user_id", flat=True
        )
    ) | set(
        WebAuthnCredential.objects.filter(user_id__in=user_ids, confirmed=True).values_list(
            "user_id", flat=True
        )
    )


def two_factor_required(user: User) -> bool:
    """True when the officer's force makes two-factor authentication mandatory."""
    from beatdesk.forces.models import Policy

    return Policy.objects.filter(force__officers__user=user, require_two_factor=True).exists()


def pending_totp_device(user: User) -> TOTPDevice:
    """The unconfirmed authenticator being set up, created on first use."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return device


def has_recovery_codes(user: User) -> bool:
    return StaticToken.objects.filter(device__user=user, device__name=RECOVERY_DEVICE_NAME).exists()


def remove_recovery_codes(user: User) -> None:
    StaticDevice.objects.filter(user=user).delete()


def new_recovery_codes(user: User) -> list[str]:
    """Ten fresh recovery codes; the old ones stop working. Callers audit."""
    device, _ = StaticDevice.objects.get_or_create(user=user, name=RECOVERY_DEVICE_NAME)
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    for code in codes:
        device.token_set.create(token=code)
    return codes


@transaction.atomic
def totp_device_confirm(*, actor: Officer, device: TOTPDevice, token: str) -> list[str]:
    """Confirm a new authenticator with a code from it; returns fresh recovery codes."""
    require(actor, "edit_profile", actor)
    if device.user_id != actor.user_id or device.confirmed:
        raise ValidationError("This authenticator set-up has expired; start again.")
    if not device.verify_token(token.strip().replace(" ", "")):
        raise ValidationError(
            "That code did not match. Check the time on your phone is right and enter the "
            "6-digit code your app shows now."
        )
    # One authenticator at a time: the new one replaces any older one.
    TOTPDevice.objects.filter(user=actor.user, confirmed=True).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = new_recovery_codes(actor.user)
    audit_record(actor=actor, action="two_factor.enable", obj=actor)
    return codes


@transaction.atomic
def recovery_codes_regenerate(*, actor: Officer) -> list[str]:
    """Replace the officer's recovery codes; the old ones stop working."""
    require(actor, "edit_profile", actor)
    if not has_two_factor(actor.user):
        raise ValidationError(
            "Set up an authenticator app or a security key before making recovery codes."
        )
    codes = new_recovery_codes(actor.user)
    audit_record(actor=actor, action="two_factor.recovery_codes", obj=actor)
    return codes


@transaction.atomic
def two_factor_remove(*, actor: Officer, officer: Officer, reason: str = "") -> None:
    """Remove an officer's authenticator, passkeys and recovery codes (their own, or by a force
    admin)."""
    from django_otp_webauthn.models import WebAuthnCredential

    if actor.pk != officer.pk:
        require(actor, "manage", officer)
    else:
        require(actor, "edit_profile", officer)
    TOTPDevice.objects.filter(user=officer.user).delete()
    WebAuthnCredential.objects.filter(user=officer.user).delete()
    StaticDevice.objects.filter(user=officer.user).delete()
    audit_record(actor=actor, action="two_factor.remove", obj=officer, reason=reason)


def verify_second_factor(user: User, code: str):
    """The device that accepts ``code`` (authenticator or recovery code), or None."""
    code = code.strip().replace(" ", "").replace("-", "")
    if not code:
        return None
    for device in devices_for_user(user, confirmed=True):
        if device.verify_is_allowed()[0] and device.verify_token(code):
            return device
    return None
