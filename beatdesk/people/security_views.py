"""Desk pages for signing in safely: second factor, password confirmation, two-factor set-up."""

from __future__ import annotations

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from beatdesk.audit.services import audit_record
from beatdesk.core.permissions import require
from beatdesk.core.views import officer_required
from beatdesk.people import passkeys, tokens, twofactor
from beatdesk.people.models import ApiToken, ForceRole
from beatdesk.people.reauth import (
    has_recent_auth,
    mark_recent_auth,
    reauth_url,
    recent_auth_required,
)
from beatdesk.people.selectors import officers_of_force
from beatdesk.people.services import officer_set_active, officer_set_force_role


def _safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _qr_svg(text: str) -> str:
    # Path output: one <path> with presentation attributes, no style attribute, so the page's
    # strict Content Security Policy needs no exception.
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    svg = image.to_string(encoding="unicode")
    return svg.replace(
        "<svg ", '<svg role="img" aria-label="QR code for your authenticator app" ', 1
    )


@require_http_methods(["GET", "POST"])
def login_verify(request: HttpRequest) -> HttpResponse:
    """The second step of signing in: a code from the authenticator app or a recovery code."""
    next_url, done = _second_step(request)
    if done is not None:
        return done
    user = request.user
    error = ""
    if request.method == "POST":
        device = twofactor.verify_second_factor(user, request.POST.get("code", ""))
        officer = user.officer
        if device is not None:
            method = "recovery code" if device.name == "recovery" else "authenticator"
            return _second_factor_passed(request, device, next_url, {"method": method})
        audit_record(
            actor=officer, action="login.second_factor_failed", obj=officer, outcome="refused"
        )
        error = (
            "That code did not work. Enter the 6-digit code your authenticator app shows now, "
            "or one of your recovery codes. After several wrong codes you must wait a little "
            "longer before each try."
        )
    return _verify_page(request, next_url, error=error)


def _second_step(request: HttpRequest) -> tuple[str, HttpResponse | None]:
    """Where to go once verified, and the answer to give at once when there is no second
    step to take here (not signed in yet, or already verified)."""
    if not request.user.is_authenticated:
        return "", HttpResponseRedirect(reverse("people:login"))
    next_url = _safe_next(request, reverse("people:desk-home"))
    if request.user.is_verified():
        return next_url, HttpResponseRedirect(next_url)
    return next_url, None


def _second_factor_passed(request: HttpRequest, device, next_url: str, data: dict):
    """Mark the session verified (and the password freshly confirmed), record it, go on."""
    officer = request.user.officer
    otp_login(request, device)
    mark_recent_auth(request)
    audit_record(actor=officer, action="login.second_factor", obj=officer, data=data)
    return HttpResponseRedirect(next_url)


def _verify_page(request: HttpRequest, next_url: str, *, error: str = "", status: int = 200):
    user = request.user
    return render(
        request,
        "people/login_verify.html",
        {
            "error": error,
            "next": next_url,
            "passkey": passkeys.available(request) and passkeys.has_passkey(user),
            "authenticator": TOTPDevice.objects.filter(user=user, confirmed=True).exists(),
        },
        status=status,
    )


@never_cache
@require_POST
def login_passkey_options(request: HttpRequest) -> HttpResponse:
    """The challenge for signing in with a passkey (JSON for ``passkeys.js``)."""
    user = request.user
    if not user.is_authenticated or user.is_verified() or not passkeys.has_passkey(user):
        return JsonResponse({"error": "Sign in with your password first."}, status=400)
    return JsonResponse(passkeys.authentication_options(request))


@require_POST
def login_passkey(request: HttpRequest) -> HttpResponse:
    """The second step of signing in with a passkey or security key."""
    next_url, done = _second_step(request)
    if done is not None:
        return done
    officer = request.user.officer
    try:
        credential = passkeys.passkey_verify(request, request.POST.get("credential", ""))
    except passkeys.PasskeyFailed as exc:
        audit_record(
            actor=officer,
            action="login.second_factor_failed",
            obj=officer,
            outcome="refused",
            data={"method": "security key", "error": exc.code},
        )
        return _verify_page(request, next_url, error=str(exc), status=400)
    return _second_factor_passed(
        request,
        credential,
        next_url,
        {"method": "security key", "name": credential.name, "passkey": credential.pk},
    )


@require_http_methods(["GET", "POST"])
def reauth(request: HttpRequest) -> HttpResponse:
    """Confirm the password again before a sensitive action."""
    user = request.user
    if not user.is_authenticated:
        return HttpResponseRedirect(reverse("people:login"))
    next_url = _safe_next(request, reverse("people:desk-home"))
    error = ""
    if request.method == "POST":
        # Through authenticate() so the brute-force lock counts these tries too.
        checked = authenticate(
            request, username=user.get_username(), password=request.POST.get("password", "")
        )
        if checked is not None and checked.pk == user.pk:
            mark_recent_auth(request)
            audit_record(actor=user.officer, action="login.reauth", obj=user.officer)
            return HttpResponseRedirect(next_url)
        error = "That password is not right. Enter the password you signed in with."
    return render(
        request,
        "people/reauth.html",
        {
            "error": error,
            "next": next_url,
            "sso": settings.OIDC_ENABLED and not user.has_usable_password(),
        },
    )


@officer_required
def security_home(
    request: HttpRequest, *, token_error: str = "", token_name: str = "", status: int = 200
) -> HttpResponse:
    user = request.user
    return render(
        request,
        "people/security.html",
        {
            "authenticator": TOTPDevice.objects.filter(user=user, confirmed=True).first(),
            "passkeys": passkeys.passkeys_of(user),
            "has_two_factor": twofactor.has_two_factor(user),
            "recovery_left": sum(
                d.token_set.count()
                for d in user.staticdevice_set.filter(name=twofactor.RECOVERY_DEVICE_NAME)
            ),
            "required": twofactor.two_factor_required(user),
            "tokens": tokens.tokens_for_page(request.officer),
            "lifetimes": tokens.LIFETIMES_DAYS,
            "token_error": token_error,
            "token_name": token_name,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@officer_required
@recent_auth_required
def api_token_new(request: HttpRequest) -> HttpResponse:
    """Make a personal API token; its text is shown on this one page and never again."""
    if request.method == "GET":
        # Back from confirming the password: the form is on the security page.
        return HttpResponseRedirect(reverse("people:security") + "#api-tokens")
    name = request.POST.get("name", "")
    try:
        days = int(request.POST.get("days") or 0)
        token, text = tokens.api_token_create(actor=request.officer, name=name, days=days)
    except (ValueError, ValidationError) as exc:
        message = (
            " ".join(exc.messages)
            if isinstance(exc, ValidationError)
            else "Choose how long the token lasts."
        )
        return security_home(request, token_error=message, token_name=name, status=400)
    response = render(request, "people/api_token_new.html", {"token": token, "text": text})
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@officer_required
def api_token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    token = get_object_or_404(
        ApiToken.objects.select_related("officer"),
        pk=token_id,
        officer__force_id=request.officer.force_id,
    )
    tokens.api_token_revoke(actor=request.officer, token=token)
    messages.success(request, f"The token '{token.name}' no longer works.")
    if token.officer_id != request.officer.pk:
        return HttpResponseRedirect(reverse("people:staff-change", args=[token.officer_id]))
    return HttpResponseRedirect(reverse("people:security") + "#api-tokens")


@require_http_methods(["GET", "POST"])
@recent_auth_required
def two_factor_enrol(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app: scan the QR code, then enter a code to prove it works."""
    user = request.user
    officer = user.officer
    if officer is None or not officer.is_active:
        return HttpResponseRedirect(reverse("people:login"))
    if twofactor.has_two_factor(user) and not user.is_verified():
        # Replacing an authenticator needs the current one first.
        return HttpResponseRedirect(reverse("people:login-verify"))
    device = twofactor.pending_totp_device(user)
    error = ""
    if request.method == "POST":
        try:
            codes = twofactor.totp_device_confirm(
                actor=officer, device=device, token=request.POST.get("code", "")
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            otp_login(request, device)
            return render(request, "people/recovery_codes.html", {"codes": codes, "new": True})
    return render(
        request,
        "people/two_factor_enrol.html",
        {
            "qr": mark_safe(_qr_svg(device.config_url)),
            "secret": device_secret_for_display(device),
            "error": error,
            "required": twofactor.two_factor_required(user),
        },
    )


def device_secret_for_display(device: TOTPDevice) -> str:
    from base64 import b32encode

    key = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


@require_http_methods(["GET", "POST"])
@officer_required
@recent_auth_required
def passkey_add(request: HttpRequest) -> HttpResponse:
    """Add a passkey or security key: name it, then the browser makes the credential."""
    user = request.user
    if twofactor.has_two_factor(user) and not user.is_verified():
        # Adding a key needs the current second factor first.
        return HttpResponseRedirect(reverse("people:login-verify"))
    error = ""
    name = request.POST.get("name", "")
    if request.method == "POST":
        try:
            credential, codes = passkeys.passkey_add(
                actor=request.officer,
                request=request,
                name=name,
                credential_json=request.POST.get("credential", ""),
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
        except passkeys.PasskeyFailed as exc:
            error = str(exc)
            # A key the server would not accept (wrong origin, a replayed or forged answer) is
            # worth a line in the trail, like a failed sign-in with a key.
            audit_record(
                actor=request.officer,
                action="passkey.add_failed",
                obj=request.officer,
                outcome="refused",
                data={"error": exc.code},
            )
        else:
            if not user.is_verified():
                otp_login(request, credential)
            if codes:
                return render(request, "people/recovery_codes.html", {"codes": codes, "new": True})
            messages.success(request, f"Added '{credential.name}'. You can use it to sign in.")
            return HttpResponseRedirect(reverse("people:security") + "#passkeys")
    return render(
        request,
        "people/passkey_add.html",
        {
            "error": error,
            "name": name,
            "available": passkeys.available(request),
            "required": twofactor.two_factor_required(user),
            "max_length": passkeys.NAME_MAX_LENGTH,
        },
        status=400 if error else 200,
    )


@never_cache
@require_POST
@officer_required
def passkey_add_options(request: HttpRequest) -> HttpResponse:
    """The options for making a new credential (JSON for ``passkeys.js``)."""
    user = request.user
    if twofactor.has_two_factor(user) and not user.is_verified():
        return JsonResponse({"error": "Use your current second factor first."}, status=403)
    if not has_recent_auth(request):
        return JsonResponse(
            {
                "error": "Confirm your password again.",
                "reauth": reauth_url(reverse("people:passkey-add")),
            },
            status=403,
        )
    require(request.officer, "edit_profile", request.officer)
    return JsonResponse(passkeys.registration_options(request))


@require_POST
@officer_required
@recent_auth_required
def passkey_remove(request: HttpRequest, passkey_id: int) -> HttpResponse:
    credential = get_object_or_404(
        WebAuthnCredential.objects.select_related("user__officer_profile"),
        pk=passkey_id,
        user__officer_profile__force_id=request.officer.force_id,
    )
    owner_id = credential.user.officer.pk
    passkeys.passkey_remove(actor=request.officer, credential=credential)
    messages.success(request, f"Removed '{credential.name}'. It no longer signs you in.")
    if owner_id != request.officer.pk:
        return HttpResponseRedirect(reverse("people:staff"))
    return HttpResponseRedirect(reverse("people:security") + "#passkeys")


@require_POST
@officer_required
@recent_auth_required
def recovery_codes_new(request: HttpRequest) -> HttpResponse:
    try:
        codes = twofactor.recovery_codes_regenerate(actor=request.officer)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return HttpResponseRedirect(reverse("people:security"))
    return render(request, "people/recovery_codes.html", {"codes": codes, "new": False})


@require_POST
@officer_required
@recent_auth_required
def two_factor_remove(request: HttpRequest) -> HttpResponse:
    twofactor.two_factor_remove(actor=request.officer, officer=request.officer)
    messages.success(request, "Two-factor authentication is off for your login.")
    return HttpResponseRedirect(reverse("people:security"))


@officer_required
def staff_list(request: HttpRequest) -> HttpResponse:
    """Force admins: every officer of the force, with their roles and whether they can sign in."""
    officer = request.officer
    require(officer, "configure", officer.force)
    officers = (
        officers_of_force(force_id=officer.force_id, active_only=False)
        .prefetch_related("memberships__district")
        .order_by("surname", "first_name")
    )
    with_two_factor = twofactor.users_with_two_factor(officers.values("user_id"))
    return render(
        request,
        "people/staff.html",
        {"staff": officers, "roles": ForceRole.choices, "with_two_factor": with_two_factor},
    )


@require_POST
@officer_required
@recent_auth_required
def staff_change(request: HttpRequest, officer_id: int) -> HttpResponse:
    """Change one officer's force role, disable them (both end the officer's sessions), or
    reset their two-factor (a lost phone or security key)."""
    actor = request.officer
    target = get_object_or_404(
        officers_of_force(force_id=actor.force_id, active_only=False), pk=officer_id
    )
    # Checked here as well as in the services, so the refusal is recorded outside their
    # transaction (which a refusal rolls back).
    require(actor, "manage", target)
    try:
        role = request.POST.get("force_role")
        if role is not None and role != target.force_role:
            officer_set_force_role(actor=actor, officer=target, force_role=role)
            messages.success(
                request, f"{target.public_name} is now: {target.get_force_role_display()}."
            )
        active = request.POST.get("active")
        if active in {"yes", "no"} and (active == "yes") != target.is_active:
            officer_set_active(
                actor=actor,
                officer=target,
                active=active == "yes",
                reason=request.POST.get("reason", "")[:300],
            )
            messages.success(
                request,
                f"{target.public_name} can {'now' if target.is_active else 'no longer'} sign in.",
            )
        if request.POST.get("reset_two_factor") == "yes":
            twofactor.two_factor_remove(
                actor=actor, officer=target, reason=request.POST.get("reason", "")[:300]
            )
            messages.success(
                request,
                f"{target.public_name}'s two-factor is reset: they set it up again when they "
                "next sign in.",
            )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return HttpResponseRedirect(reverse("people:staff"))
