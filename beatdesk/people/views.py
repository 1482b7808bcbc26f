from __future__ import annotations

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from beatdesk.core.views import officer_required
from beatdesk.forces.selectors import accounts_postable_by, districts_of_officer
from beatdesk.people.selectors import district_roles
from beatdesk.people.signatures import signature_for


class LoginView(auth_views.LoginView):
    template_name = "people/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["sso_enabled"] = settings.OIDC_ENABLED
        context["sso_failed"] = self.request.GET.get("sso") == "failed"
        return context


def locked_out(request: HttpRequest, response=None, credentials=None) -> HttpResponse:
    """django-axes' answer to a locked-out sign-in: a clear page that says when to try again."""
    minutes = round(settings.AXES_COOLOFF_TIME * 60)
    return render(
        request,
        "people/locked_out.html",
        {"minutes": minutes, "limit": settings.AXES_FAILURE_LIMIT},
        status=429,
    )


class LogoutView(auth_views.LogoutView):
    pass


@officer_required
def desk_home(request: HttpRequest) -> HttpResponse:
    officer = request.officer
    roles = district_roles(officer)
    districts = list(districts_of_officer(officer=officer))
    for district in districts:
        district.role = {"lead": "team lead", "officer": "officer"}.get(
            roles.get(district.pk, ""), ""
        )
    return render(
        request,
        "people/home.html",
        {
            "accounts": accounts_postable_by(officer=officer),
            "districts": districts,
            "signature": signature_for(officer),
        },
    )
