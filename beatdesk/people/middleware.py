from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from beatdesk.people.twofactor import has_two_factor, two_factor_required

SSO_MFA_KEY = "beatdesk_sso_mfa"
# Pages a signed-in person may reach before the second factor: the factor itself, enrolment
# (it needs a password confirmation), and signing out.
_OPEN_NAMES = ("people:login-verify", "people:two-factor-enrol", "people:reauth", "people:logout")
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
            open_paths = {reverse(name) for name in _OPEN_NAMES}
            if request.path not in open_paths:
                if has_two_factor(user):
                    return self._redirect(request, "people:login-verify")
                if two_factor_required(user):
                    return self._redirect(request, "people:two-factor-enrol")
        return self.get_response(request)

    @staticmethod
    def _redirect(request: HttpRequest, name: str) -> HttpResponse:
        target = f"{reverse(name)}?{urlencode({'next': request.get_full_path()})}"
        if request.headers.get("HX-Request"):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
            return response
        return HttpResponseRedirect(target)
