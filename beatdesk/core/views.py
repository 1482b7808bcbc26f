"""Helpers every desk view uses: the signed-in officer and the one permission check."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from beatdesk.core.permissions import require


def officer_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Signed-in staff only; ``request.officer`` is the acting officer."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        officer = user.officer
        if officer is None or not officer.is_active:
            raise PermissionDenied("This login has no active officer profile.")
        request.officer = officer
        require(officer, "use_desk", officer.force)
        return view(request, *args, **kwargs)

    return wrapper
