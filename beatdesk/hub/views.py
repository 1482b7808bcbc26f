from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from beatdesk.forces.models import Force
from beatdesk.forces.selectors import (
    accounts_of_force,
    active_forces,
    districts_of_force,
    force_by_slug,
)


def get_force(slug: str) -> Force:
    force = force_by_slug(slug)
    if force is None:
        raise Http404("No such force.")
    return force


def root(request: HttpRequest) -> HttpResponse:
    """The site root: the default force's hub, or a list when one install serves several."""
    if settings.DEFAULT_FORCE:
        return redirect("hub:force-home", settings.DEFAULT_FORCE)
    forces = list(active_forces())
    if len(forces) == 1:
        return redirect("hub:force-home", forces[0].slug)
    return render(request, "hub/forces.html", {"forces": forces})


def force_home(request: HttpRequest, force_slug: str) -> HttpResponse:
    force = get_force(force_slug)
    return render(
        request,
        "hub/force_home.html",
        {
            "force": force,
            "districts": districts_of_force(force=force),
            "accounts": accounts_of_force(force=force),
        },
    )


def district(request: HttpRequest, force_slug: str, district_slug: str) -> HttpResponse:
    force = get_force(force_slug)
    found = districts_of_force(force=force).filter(slug=district_slug).first()
    if found is None:
        raise Http404("No such district.")
    return render(request, "hub/district.html", {"force": force, "district": found})
