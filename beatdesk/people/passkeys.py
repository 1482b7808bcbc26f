"""Passkeys and security keys (WebAuthn) as a second factor.

django-otp-webauthn supplies the credential model (a django-otp ``Device``) and the helper
around py_webauthn that builds the browser's options and checks its answers (challenge,
origin, relying party, signature, sign count). The pages, the JSON options endpoints and the
script are ours (``security_views``, ``static/people/passkeys.js``), so every step checks the
password confirmation, the permission layer and writes the audit trail. See
docs/decisions/0066-passkeys.md.
"""

from __future__ import annotations

import ipaddress
import json

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django_otp_webauthn import exceptions as webauthn_errors
from django_otp_webauthn.helpers import WebAuthnHelper
from django_otp_webauthn.models import WebAuthnCredential
from django_otp_webauthn.utils import rewrite_exceptions

from beatdesk.audit.services import audit_record
from beatdesk.core.permissions import require
from beatdesk.core.sanitise import clean_text
from beatdesk.people.models import Officer, User

REGISTER_STATE_KEY = "beatdesk_passkey_register_state"
LOGIN_STATE_KEY = "beatdesk_passkey_login_state"
NAME_MAX_LENGTH = 64  # django-otp's Device.name


def relying_party_id(request: HttpRequest) -> str:
    """``BEATDESK_WEBAUTHN_RP_ID``, or the host name the desk was reached at (without port)."""
    if settings.WEBAUTHN_RP_ID:
        return settings.WEBAUTHN_RP_ID
    host = request.get_host()  # checked against ALLOWED_HOSTS
    if host.startswith("["):
        return host[1 : host.index("]")]
    return host.rsplit(":", 1)[0] if ":" in host else host


def available(request: HttpRequest) -> bool:
    """Browsers refuse WebAuthn on an IP address (http://127.0.0.1): the desk must be opened by
    its name (http://localhost in development)."""
    try:
        ipaddress.ip_address(relying_party_id(request))
    except ValueError:
        return True
    return False


class PasskeyHelper(WebAuthnHelper):
    """The library's helper with origins from settings, or the request's own origin."""

    def get_allowed_origins(self) -> list[str]:
        if settings.WEBAUTHN_ORIGINS:
            return list(settings.WEBAUTHN_ORIGINS)
        return [f"{self.request.scheme}://{self.request.get_host()}"]


class PasskeyFailed(Exception):
    """A passkey could not be added or used; ``str()`` is safe to show to the officer, and
    ``code`` is recorded in the audit trail."""

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.code = code


_USER_MESSAGES = {
    "credential_not_found": "That security key or passkey is not registered for your login.",
    "credential_user_mismatch": "That security key or passkey is not registered for your login.",
    "credential_disabled": "That security key or passkey has been turned off.",
    "invalid_state": "The request expired. Press the button and use your key again.",
}


def _failed(exc: webauthn_errors.OTPWebAuthnApiError) -> PasskeyFailed:
    message = _USER_MESSAGES.get(
        exc.code, "Your security key's answer could not be checked. Try again, or use a code."
    )
    return PasskeyFailed(message, exc.code)


def _parse(credential_json: str) -> dict:
    try:
        data = json.loads(credential_json)
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise PasskeyFailed(
            "Your browser did not send an answer from a security key. Try again.", "no_answer"
        )
    return data


def passkeys_of(user: User):
    return WebAuthnCredential.objects.filter(user=user, confirmed=True).order_by("created_at")


def has_passkey(user: User) -> bool:
    return WebAuthnCredential.objects.filter(user=user, confirmed=True).exists()


# --- Adding a key ---------------------------------------------------------------------------


def registration_options(request: HttpRequest) -> dict:
    """What the browser needs to make a new credential; the challenge is kept in the session."""
    helper = PasskeyHelper(request)
    options, state = helper.register_begin(user=request.user)
    request.session[REGISTER_STATE_KEY] = state
    return options


def clean_name(name: str) -> str:
    name = " ".join(clean_text(name or "").split())
    if not name:
        raise ValidationError("Give the key a name, such as where you keep it.")
    if len(name) > NAME_MAX_LENGTH:
        raise ValidationError(f"Keep the name to {NAME_MAX_LENGTH} characters or fewer.")
    return name


def passkey_add(
    *, actor: Officer, request: HttpRequest, name: str, credential_json: str
) -> tuple[WebAuthnCredential, list[str] | None]:
    """Check the browser's new credential and keep it under ``name``.

    Returns the key and, when the officer had no recovery codes, their new codes."""
    from beatdesk.people import twofactor

    require(actor, "edit_profile", actor)
    name = clean_name(name)
    state = request.session.pop(REGISTER_STATE_KEY, None)
    request.session.save()  # a challenge is never used twice, even if this fails
    data = _parse(credential_json)
    if not state:
        raise _failed(webauthn_errors.InvalidState())
    helper = PasskeyHelper(request)
    try:
        with transaction.atomic():
            with rewrite_exceptions():
                credential = helper.register_complete(user=actor.user, state=state, data=data)
            credential.name = name
            credential.save(update_fields=["name"])
            codes = None
            if not twofactor.has_recovery_codes(actor.user):
                codes = twofactor.new_recovery_codes(actor.user)
            audit_record(
                actor=actor,
                action="passkey.add",
                obj=actor,
                data={"name": name, "passkey": credential.pk},
            )
    except webauthn_errors.OTPWebAuthnApiError as exc:
        raise _failed(exc) from exc
    return credential, codes


@transaction.atomic
def passkey_remove(*, actor: Officer, credential: WebAuthnCredential) -> None:
    """Remove one key (the officer's own, or by a force admin); with the last second factor
    gone, the recovery codes go too."""
    from beatdesk.people import twofactor

    owner = credential.user.officer
    if actor.pk != owner.pk:
        require(actor, "manage", owner)
    else:
        require(actor, "edit_profile", owner)
    name, pk = credential.name, credential.pk
    credential.delete()
    if not twofactor.has_two_factor(owner.user):
        twofactor.remove_recovery_codes(owner.user)
    audit_record(
        actor=actor, action="passkey.remove", obj=owner, data={"name": name, "passkey": pk}
    )


# --- Using a key to sign in -----------------------------------------------------------------


def authentication_options(request: HttpRequest) -> dict:
    """The challenge for the signed-in (password only) officer, listing only their keys."""
    helper = PasskeyHelper(request)
    options, state = helper.authenticate_begin(user=request.user, require_user_verification=False)
    request.session[LOGIN_STATE_KEY] = state
    return options


def passkey_verify(request: HttpRequest, credential_json: str) -> WebAuthnCredential:
    """The officer's key that signed this session's challenge; raises ``PasskeyFailed``.

    The library checks the challenge, origin, relying party and signature, refuses a key of
    another user, and refuses a sign count that did not go up (a cloned key)."""
    state = request.session.pop(LOGIN_STATE_KEY, None)
    request.session.save()
    data = _parse(credential_json)
    if not state:
        raise _failed(webauthn_errors.InvalidState())
    helper = PasskeyHelper(request)
    try:
        with rewrite_exceptions():
            credential = helper.authenticate_complete(user=request.user, state=state, data=data)
        if not credential.confirmed:
            raise webauthn_errors.CredentialDisabled()
    except webauthn_errors.OTPWebAuthnApiError as exc:
        raise _failed(exc) from exc
    return credential
