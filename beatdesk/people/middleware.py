from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from beatdesk.people.twofactor import has_two_factor, two_factor_required

SSO_MFA_KEY = "beatdesk_sso_mfa"
# Pages a signed-in person may reach before the second factor. With an authenticator: only the
# code page and signing out (enrolling another authenticator would bypass the one they have).
# Without one, where the force requires it: enrolment (an authenticator app or a passkey) and
# the password confirmation it needs.
_OPEN_WITH_DEVICE = (
    "people:login-verify",
    "people:login-passkey-options",
    "people:login-passkey",
    "people:logout",
)
_OPEN_FOR_ENROLMENT = (
    "people:two-factor-enrol",
    "people:passkey-add",
    "people:passkey-add-options",
    "people:reauth",
    "people:logout",
)
_GUARDED_PREFIXES = ("/desk/", "/admin/", "/api/")


class TwoFactorMiddleware:
    """Keeps staff out of the desk until their second factor is checked.

    Staff with an authenticator must enter a code after their password; where the force makes
    two-factor mandatory, staff without one are sent to set it up first. Single sign-on counts
    when the identity provider says it checked a second factor (the ``amr`` claim).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and request.path.startswith(_GUARDED_PREFIXES)
            and not user.is_verified()
            and not request.session.get(SSO_MFA_KEY)
        ):
            if has_two_factor(user):
                open_paths = {reverse(n) for n in _OPEN_WITH_DEVICE}
                target = "people:login-verify"
            elif two_factor_required(user):
                open_paths = {reverse(n) for n in _OPEN_FOR_ENROLMENT}
                target = "people:two-factor-enrol"
            else:
                return self.get_response(request)
            if request.path not in open_paths:
                return self._redirect(request, target)
        return self.get_response(request)

    @staticmethod
    def _redirect(request: HttpRequest, name: str) -> HttpResponse:
        target = f"{reverse(name)}?{urlencode({'next': request.get_full_path()})}"
        if request.headers.get("HX-Request"):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
            return response
        return HttpResponseRedirect(target)
