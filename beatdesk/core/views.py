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


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The 403 page; makes sure the refusal is in the audit trail even if the transaction it
    was recorded in was rolled back."""
    from django.views.defaults import permission_denied as default_permission_denied

    refusal = getattr(exception, "refusal", None)
    if refusal is not None:
        from beatdesk.audit.models import AuditEvent
        from beatdesk.audit.services import audit_refusal

        actor, action, obj, event_id = refusal
        if event_id is None or not AuditEvent.objects.filter(pk=event_id).exists():
            audit_refusal(actor=actor, action=action, obj=obj)
    return default_permission_denied(request, exception)
