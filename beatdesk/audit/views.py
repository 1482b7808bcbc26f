"""The audit trail viewer and its CSV export, for force admins."""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from beatdesk.audit.models import AuditEvent
from beatdesk.audit.selectors import AuditFilters, audit_events_for_force
from beatdesk.audit.services import audit_record, subject_access_export
from beatdesk.core.csvsafe import csv_response
from beatdesk.core.permissions import require
from beatdesk.core.views import officer_required
from beatdesk.people.reauth import recent_auth_required
from beatdesk.people.selectors import officers_of_force

PAGE_SIZE = 50
EXPORT_LIMIT = 100_000


@officer_required
def events(request: HttpRequest) -> HttpResponse:
    officer = request.officer
    require(officer, "view_audit", officer.force)
    filters = AuditFilters.from_query(request.GET)
    qs = audit_events_for_force(force_id=officer.force_id, filters=filters)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "audit/events.html",
        {
            "page": page,
            "filters": filters,
            "query": filters.as_query(),
            "officers": officers_of_force(force_id=officer.force_id, active_only=False),
            "outcomes": [("", "Any"), *AuditEvent.Outcome.choices],
        },
    )


@officer_required
@recent_auth_required
def export(request: HttpRequest) -> HttpResponse:
    """CSV of the filtered trail; the reason for taking it out is recorded in the trail."""
    officer = request.officer
    require(officer, "view_audit", officer.force)
    filters = AuditFilters.from_query(request.GET)
    reason = request.GET.get("reason", "").strip()
    if not reason:
        return render(
            request,
            "audit/events.html",
            {
                "page": None,
                "filters": filters,
                "query": filters.as_query(),
                "export_error": "Say why you are exporting the audit trail; the reason is recorded.",
            },
            status=400,
        )
    audit_record(
        actor=officer,
        action="audit.export",
        obj=officer.force,
        data={"filters": filters.as_query()},
        reason=reason,
    )
    qs = audit_events_for_force(force_id=officer.force_id, filters=filters)[:EXPORT_LIMIT]

    def rows():
        yield [
            "id",
            "when (UTC)",
            "who",
            "action",
            "outcome",
            "object type",
            "object id",
            "object",
            "reason",
            "origin",
            "ip",
            "request id",
            "data",
            "hash",
        ]
        for event in qs.iterator(chunk_size=2000):
            yield [
                event.pk,
                event.created_at.strftime("%Y-%m-%d %H:%M:%S"),
                event.actor_label or "system",
                event.action,
                event.outcome,
                event.object_type,
                event.object_id,
                event.object_repr,
                event.reason,
                event.origin,
                event.ip or "",
                event.request_id,
                json.dumps(event.data, ensure_ascii=False, sort_keys=True),
                event.hash,
            ]

    return csv_response(rows(), f"audit-{officer.force.slug}.csv")


@officer_required
@recent_auth_required
def subject_access(request: HttpRequest) -> HttpResponse:
    """A subject access request: everything the force holds about a handle or email."""
    officer = request.officer
    require(officer, "subject_access", officer.force)
    error = ""
    if request.method == "POST":
        try:
            text = subject_access_export(
                actor=officer,
                force=officer.force,
                handles=request.POST.get("handles", "").replace(",", " ").split(),
                emails=request.POST.get("emails", "").replace(",", " ").split(),
                reason=request.POST.get("reason", ""),
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            response = HttpResponse(text, content_type="text/plain; charset=utf-8")
            response["Content-Disposition"] = (
                f'attachment; filename="subject-access-{officer.force.slug}.txt"'
            )
            return response
    return render(
        request,
        "audit/subject_access.html",
        {"error": error, "values": request.POST if request.method == "POST" else {}},
        status=400 if error else 200,
    )


def _held_object(force_id: int, kind: str, number: str):
    """The force's object of ``kind`` numbered ``number``, or a ValidationError saying why not."""
    from django.apps import apps

    from beatdesk.core.dataprotection import hold_kinds
    from beatdesk.core.permissions import force_id_of

    if kind not in hold_kinds():
        raise ValidationError("Choose what to keep.")
    if not number.strip().isdigit():
        raise ValidationError("Give its number: digits only, as shown on the desk.")
    model = apps.get_model(kind)
    found = model._default_manager.filter(pk=int(number)).first()
    if found is None or force_id_of(found) != force_id:
        raise ValidationError(f"There is no {model._meta.verbose_name} {number} in your force.")
    return found


def _holds_page(request: HttpRequest, *, error: str = "", values=None, status: int = 200):
    from beatdesk.audit.selectors import legal_holds_for_force
    from beatdesk.core.dataprotection import hold_kinds

    active, released = legal_holds_for_force(request.officer.force_id)
    return render(
        request,
        "audit/legal_holds.html",
        {
            "active": active,
            "released": released,
            "kinds": hold_kinds(),
            "error": error,
            "values": values or {},
        },
        status=status,
    )


@officer_required
def legal_holds(request: HttpRequest) -> HttpResponse:
    """Force admins: what is kept past retention, and why; place a hold."""
    from beatdesk.audit.services import legal_hold_place

    officer = request.officer
    require(officer, "legal_hold", officer.force)
    if request.method != "POST":
        return _holds_page(request)
    try:
        held = _held_object(
            officer.force_id, request.POST.get("kind", ""), request.POST.get("number", "")
        )
        legal_hold_place(actor=officer, obj=held, reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        return _holds_page(request, error=" ".join(exc.messages), values=request.POST, status=400)
    messages.success(request, f"{held._meta.verbose_name.capitalize()} {held.pk} is on hold.")
    return HttpResponseRedirect(reverse("audit:legal-holds"))


@require_POST
@officer_required
@recent_auth_required
def legal_hold_release(request: HttpRequest, hold_id: int) -> HttpResponse:
    """End a hold (asks for the password again: the data may then expire)."""
    from beatdesk.audit.models import LegalHold
    from beatdesk.audit.services import legal_hold_release as release

    officer = request.officer
    hold = get_object_or_404(
        LegalHold, pk=hold_id, force_id=officer.force_id, released_at__isnull=True
    )
    release(actor=officer, hold=hold, reason=request.POST.get("reason", ""))
    messages.success(request, "The hold is released; retention applies again.")
    return HttpResponseRedirect(reverse("audit:legal-holds"))
