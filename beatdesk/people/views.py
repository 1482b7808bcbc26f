from __future__ import annotations

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
