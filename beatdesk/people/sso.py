"""Single sign-on with OpenID Connect (Microsoft Entra ID), through mozilla-django-oidc.

Off unless ``BEATDESK_OIDC_CLIENT_ID`` is set (see docs/sso.md). A work identity signs in as
the existing officer whose email (or username) it carries; nobody is created by signing in, so a
force admin stays in charge of who has a login and in which force.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from beatdesk.audit.services import audit_record
from beatdesk.people.models import User
from beatdesk.people.reauth import mark_recent_auth


def _claim_identity(claims: dict) -> str:
    if settings.OIDC_MATCH_ON == "username":
        return (claims.get("preferred_username") or "").strip()
    return (claims.get("email") or "").strip()


class OfficerOIDCBackend(OIDCAuthenticationBackend):
    """Matches the identity provider's user to one active officer; never creates one."""

    def authenticate(self, request, **kwargs):
        try:
            return super().authenticate(request, **kwargs)
        except SuspiciousOperation as exc:
            # A bad token is a refused sign-in, shown as such, not a server error.
            audit_record(
                actor=None, action="login.sso_refused", outcome="refused", reason=str(exc)[:200]
            )
            return None

    def verify_token(self, token, **kwargs):
        payload = super().verify_token(token, **kwargs)
        # The library leaves the audience unchecked; a token minted for another application
        # of the same tenant must not sign anyone in here.
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if settings.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("The identity token was issued for another application.")
        return payload

    def verify_claims(self, claims: dict) -> bool:
        return bool(_claim_identity(claims))

    def filter_users_by_claims(self, claims: dict) -> QuerySet[User]:
        identity = _claim_identity(claims)
        if not identity:
            return User.objects.none()
        users = User.objects.filter(is_active=True, officer_profile__is_active=True).select_related(
            "officer_profile"
        )
        if settings.OIDC_MATCH_ON == "username":
            return users.filter(username__iexact=identity)
        return users.filter(email__iexact=identity)

    def get_or_create_user(self, access_token, id_token, payload):
        user = super().get_or_create_user(access_token, id_token, payload)
        if user is None:
            audit_record(
                actor=None,
                action="login.sso_unmatched",
                outcome="refused",
                data={"claim": settings.OIDC_MATCH_ON},
            )
            return None
        # The provider's own second factor counts when its token says it was used.
        amr = payload.get("amr") or []
        self.request.session["beatdesk_sso_mfa"] = "mfa" in amr
        # Signing in again at the provider confirms it is them (the library skips login()
        # when the same user is already signed in, so the sign-in signal would not say so).
        mark_recent_auth(self.request)
        return user

    def update_user(self, user: User, claims: dict) -> User:
        return user  # names and email are managed in Beatdesk, not overwritten by the provider


def _require_enabled() -> None:
    if not settings.OIDC_ENABLED:
        raise Http404("Single sign-on is not set up for this desk.")


def sso_start(request: HttpRequest) -> HttpResponse:
    """Send the browser to the identity provider (state, nonce and PKCE kept in the session)."""
    _require_enabled()
    from mozilla_django_oidc.views import OIDCAuthenticationRequestView

    return OIDCAuthenticationRequestView.as_view()(request)


def sso_callback(request: HttpRequest) -> HttpResponse:
    _require_enabled()
    from mozilla_django_oidc.views import OIDCAuthenticationCallbackView

    return OIDCAuthenticationCallbackView.as_view()(request)
