"""Desk pages of the inbox. They parse input, call services and selectors, and render.

Every page works without JavaScript (forms post and redirect back); with htmx the list and the
conversation poll every two seconds, and a cheap "anything newer than X?" check answers 204
when nothing changed.
"""

from __future__ import annotations

from datetime import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_POST

from beatdesk.core.permissions import can, require
from beatdesk.core.views import officer_required
from beatdesk.forces.models import District
from beatdesk.forces.selectors import accounts_of_force, districts_of_officer
from beatdesk.inbox import selectors, services
from beatdesk.inbox.models import (
    Category,
    Conversation,
    DistrictInboxSettings,
    DutyStatus,
    Message,
    Priority,
    SavedReply,
    TriageRule,
)
from beatdesk.networks.text import counter_config
from beatdesk.people.models import Officer
from beatdesk.people.signatures import signature_for
from beatdesk.publishing.selectors import deliveries_overdue


def _errors(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def _back(request: HttpRequest, fallback: str) -> HttpResponse:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(fallback)


def target_label(target_at: datetime | None, now: datetime) -> str:
    """ "due in 1 h 5 min" or "overdue by 12 min": the time to the response target."""
    if target_at is None:
        return ""
    minutes = int((target_at - now).total_seconds() // 60)
    span = abs(minutes)
    text = f"{span // 60} h {span % 60} min" if span >= 60 else f"{span} min"
    return f"overdue by {text}" if minutes < 0 else f"due in {text}"


def _filters(request: HttpRequest) -> dict[str, str]:
    view = request.GET.get("view", "all")
    if view not in {name for name, _ in selectors.VIEWS} | {"resolved", "snoozed"}:
        view = "all"
    return {
        "view": view,
        "account": request.GET.get("account", "")[:60],
        "category": request.GET.get("category", "")[:20],
        "q": request.GET.get("q", "").strip()[:200],
        "post": request.GET.get("post", "") if request.GET.get("post", "").isdigit() else "",
    }


def _live_context(
    request: HttpRequest, filters: dict[str, str], freshness: tuple[str, dict] | None = None
) -> dict:
    officer = request.officer
    marker, warnings = freshness or _freshness(officer)
    conversations = selectors.inbox_list(
        officer=officer,
        view=filters["view"],
        account_slug=filters["account"],
        category=filters["category"],
        query=filters["q"],
        post_id=int(filters["post"]) if filters["post"] else None,
    )
    now = timezone.now()
    for conversation in conversations:
        conversation.target_label = target_label(conversation.target_at, now)
        conversation.is_breaching = bool(conversation.target_at and conversation.target_at < now)
    counts = selectors.view_counts(officer=officer)
    query = {k: v for k, v in filters.items() if v and not (k == "view" and v == "all")}
    return {
        "conversations": conversations,
        "counts": [(name, label, counts.get(name, 0)) for name, label in selectors.VIEWS],
        "filters": filters,
        "filter_query": urlencode(query),
        "marker": marker,
        "emergencies": selectors.emergencies_open(officer=officer),
        **warnings,
        "now": now,
    }


def _freshness(officer) -> tuple[str, dict]:
    """What the live region is refreshed on: the conversations' marker, and whether work the
    worker does for this force is waiting too long (messages taken in and not sorted,
    replies and posts due and not sent), so each warning comes and goes without a reload; and
    those warnings' figures."""
    warnings = {
        "stuck": selectors.arrivals_waiting_too_long(force_id=officer.force_id),
        "unsent": deliveries_overdue(force_id=officer.force_id),
    }
    marker = selectors.latest_marker(officer=officer)
    return marker + "".join(f".{name}" for name, found in warnings.items() if found), warnings


@officer_required
def inbox(request: HttpRequest) -> HttpResponse:
    officer = request.officer
    filters = _filters(request)
    context = _live_context(request, filters)
    duty = DutyStatus.objects.filter(officer=officer).first()
    context.update(
        accounts=[a for a in accounts_of_force(force=officer.force) if can(officer, "view", a)],
        categories=Category.choices,
        on_duty=bool(duty and duty.on_duty),
    )
    return render(request, "inbox/inbox.html", context)


@officer_required
def poll(request: HttpRequest) -> HttpResponse:
    """204 when nothing is newer than ``since``; otherwise the refreshed live region."""
    freshness = _freshness(request.officer)
    if freshness[0] == request.GET.get("since", ""):
        return HttpResponse(status=204)
    context = _live_context(request, _filters(request), freshness)
    return render(request, "inbox/_live.html", context)


def _conversation(request: HttpRequest, pk: int) -> Conversation:
    conversation = selectors.conversation_for(officer=request.officer, pk=pk)
    if conversation is None:
        raise Http404("No such conversation.")
    require(request.officer, "view", conversation)
    return conversation


@officer_required
def conversation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    officer = request.officer
    conversation = _conversation(request, pk)
    services.conversation_open(actor=officer, conversation=conversation)
    draft = ""
    saved_id = request.GET.get("saved")
    library = selectors.saved_replies_for(officer=officer, conversation=conversation)
    suggested = selectors.suggested_reply(conversation=conversation)
    if saved_id:
        chosen = next((s for s in library if str(s.pk) == saved_id), None)
        if chosen is None and suggested is not None and str(suggested.pk) == saved_id:
            chosen = suggested
        if chosen is not None:
            draft = services.saved_reply_render(
                saved=chosen, officer=officer, conversation=conversation
            )
    now = timezone.now()
    thread = selectors.messages_of(conversation=conversation)
    return render(
        request,
        "inbox/conversation.html",
        {
            "conversation": conversation,
            "thread": thread,
            "reply_reaches": selectors.reply_reaches(conversation=conversation, thread=thread),
            "notes": conversation.notes.select_related("author"),
            "others": selectors.others_present(conversation=conversation, officer=officer),
            "assignable": selectors.assignable_officers(conversation=conversation),
            "can_assign": can(officer, "assign", conversation),
            "can_work": can(officer, "work", conversation),
            "library": library,
            "suggested": suggested,
            "draft": draft,
            "categories": Category.choices,
            "priorities": Priority.choices,
            "districts": District.objects.filter(force_id=officer.force_id),
            "statuses": Conversation.Status.choices,
            "labels": ", ".join(label.name for label in conversation.labels.all()),
            "now": now,
            "counter": counter_config([conversation.channel], signature_for(officer))
            if conversation.channel_id
            else "",
            "signature": signature_for(officer),
            "target_label": target_label(conversation.target_at, now),
            "is_breaching": bool(conversation.target_at and conversation.target_at < now),
        },
    )


@officer_required
@require_POST
def presence(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = _conversation(request, pk)
    services.presence_touch(
        actor=request.officer,
        conversation=conversation,
        replying=request.GET.get("replying") == "1",
    )
    if request.GET.get("replying") == "1":
        return HttpResponse(status=204)
    try:
        seen_version = int(request.POST.get("version", "-1"))
    except ValueError:
        seen_version = -1
    return render(
        request,
        "inbox/_presence.html",
        {
            "conversation": conversation,
            "others": selectors.others_present(conversation=conversation, officer=request.officer),
            "changed": seen_version >= 0 and seen_version != conversation.version,
            "now": timezone.now(),
        },
    )


def _detail_url(pk: int) -> str:
    return reverse("inbox:conversation", args=[pk])


@officer_required
@require_POST
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = _conversation(request, pk)
    raw = request.POST.get("assignee", "")
    assignee = None
    if raw == "me":
        assignee = request.officer
    elif raw:
        assignee = Officer.objects.filter(force_id=request.officer.force_id, pk=raw).first()
        if assignee is None:
            messages.error(request, "Choose someone from the list.")
            return redirect(_detail_url(pk))
    expected: object = services.UNCHANGED
    if "expected_assignee" in request.POST:
        value = request.POST["expected_assignee"]
        expected = int(value) if value.isdigit() else None
    try:
        services.conversation_assign(
            actor=request.officer,
            conversation=conversation,
            assignee=assignee,
            expected_assignee_id=expected,
        )
        messages.success(
            request, f"Assigned to {assignee.public_name}." if assignee else "Unassigned."
        )
    except services.Conflict as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    return redirect(_detail_url(pk))


@officer_required
@require_POST
def reply(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = _conversation(request, pk)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = -1
    try:
        services.reply_send(
            actor=request.officer,
            conversation=conversation,
            text=request.POST.get("text", ""),
            expected_version=version,
        )
        messages.success(request, "Reply queued; it shows as delivered once the network has it.")
    except services.Conflict as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    return redirect(_detail_url(pk))


@officer_required
@require_POST
def note(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = _conversation(request, pk)
    try:
        services.note_add(
            actor=request.officer, conversation=conversation, text=request.POST.get("text", "")
        )
        messages.success(request, "Note added.")
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    return redirect(_detail_url(pk))


@officer_required
@require_POST
def status(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = _conversation(request, pk)
    try:
        services.conversation_set_status(
            actor=request.officer, conversation=conversation, status=request.POST.get("status", "")
        )
        messages.success(request, "Status changed.")
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    return redirect(_detail_url(pk))


@officer_required
@require_POST
def snooze(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = _conversation(request, pk)
    raw = request.POST.get("until", "")
    until = None
    if raw:
        try:
            naive = datetime.fromisoformat(raw)
        except ValueError:
            messages.error(request, "Give a date and time to snooze until.")
            return redirect(_detail_url(pk))
        zone = request.officer.force.policy.zone
        until = naive.replace(tzinfo=zone) if naive.tzinfo is None else naive
    try:
        services.conversation_snooze(actor=request.officer, conversation=conversation, until=until)
        messages.success(request, "Snoozed." if until else "Snooze cleared.")
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    return redirect(_detail_url(pk))


@officer_required
@require_POST
def labels(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = _conversation(request, pk)
    services.conversation_label(
        actor=request.officer,
        conversation=conversation,
        names=request.POST.get("labels", "").split(","),
    )
    messages.success(request, "Labels saved.")
    return redirect(_detail_url(pk))


@officer_required
@require_POST
def correct(request: HttpRequest, pk: int, message_pk: int) -> HttpResponse:
    conversation = _conversation(request, pk)
    message = get_object_or_404(Message, pk=message_pk, conversation=conversation)
    district = None
    if request.POST.get("district"):
        district = District.objects.filter(
            force_id=request.officer.force_id, slug=request.POST["district"]
        ).first()
    try:
        services.triage_correct(
            actor=request.officer,
            message=message,
            category=request.POST.get("category", ""),
            priority=request.POST.get("priority", ""),
            district=district,
        )
        messages.success(request, "Triage corrected; the correction is kept as an example.")
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    return redirect(_detail_url(pk))


@officer_required
@require_POST
def bulk(request: HttpRequest) -> HttpResponse:
    officer = request.officer
    ids = [int(v) for v in request.POST.getlist("conversation") if v.isdigit()]
    chosen = list(
        selectors.conversations_visible_to(officer=officer)
        .filter(pk__in=ids)
        .select_related("force__policy")
    )
    if not chosen:
        messages.error(request, "Tick at least one conversation first.")
        return _back(request, reverse("inbox:inbox"))
    try:
        changed, skipped = services.conversations_bulk(
            actor=officer, conversations=chosen, action=request.POST.get("action", "")
        )
        note_text = f"{changed} conversation(s) changed."
        if skipped:
            note_text += f" {skipped} skipped: emergencies are never closed in bulk."
        messages.success(request, note_text)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    return _back(request, reverse("inbox:inbox"))


@officer_required
@require_POST
def duty(request: HttpRequest) -> HttpResponse:
    services.duty_set(actor=request.officer, on_duty=request.POST.get("on_duty") == "1")
    return _back(request, reverse("inbox:inbox"))


# --- The force's rules, saved replies, and district settings --------------------------------


@officer_required
def rules(request: HttpRequest) -> HttpResponse:
    officer = request.officer
    require(officer, "manage_triage_rules", officer.force)
    form = {
        "kind": request.POST.get("kind") or request.GET.get("kind", "keyword"),
        "pattern": request.POST.get("pattern") or request.GET.get("pattern", ""),
        "category": request.POST.get("category") or request.GET.get("category", ""),
        "priority": request.POST.get("priority") or request.GET.get("priority", ""),
        "district": request.POST.get("district") or request.GET.get("district", ""),
    }
    districts = District.objects.filter(force_id=officer.force_id)
    district = districts.filter(slug=form["district"]).first() if form["district"] else None
    error = ""
    if request.method == "POST":
        try:
            services.triage_rule_create(
                actor=officer,
                kind=form["kind"],
                pattern=form["pattern"],
                category=form["category"],
                priority=form["priority"],
                district=district,
            )
            messages.success(request, f"Rule for {form['pattern']!r} added.")
            return redirect("inbox:rules")
        except ValidationError as exc:
            error = _errors(exc)
    preview = None
    if form["pattern"].strip() and (request.GET.get("preview") or request.method == "POST"):
        candidate = TriageRule(
            force_id=officer.force_id,
            kind=form["kind"],
            pattern=form["pattern"].strip(),
            category=form["category"],
            priority=form["priority"],
            district=district,
        )
        preview = selectors.rule_preview(force=officer.force, candidate=candidate)
    return render(
        request,
        "inbox/rules.html",
        {
            "rules": TriageRule.objects.filter(force_id=officer.force_id).select_related(
                "district"
            ),
            "form": form,
            "error": error,
            "preview": preview,
            "districts": districts,
            "categories": Category.choices,
            "priorities": Priority.choices,
            "kinds": TriageRule.Kind.choices,
        },
        status=400 if error else 200,
    )


@officer_required
@require_POST
def rule_delete(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(TriageRule, pk=pk, force_id=request.officer.force_id)
    services.triage_rule_delete(actor=request.officer, triage_rule=found)
    messages.success(request, "Rule removed.")
    return redirect("inbox:rules")


@officer_required
def saved_replies(request: HttpRequest) -> HttpResponse:
    officer = request.officer
    manageable = [d for d in districts_of_officer(officer=officer) if can(officer, "manage", d)]
    error = ""
    if request.method == "POST":
        district = None
        if request.POST.get("district"):
            district = District.objects.filter(
                force_id=officer.force_id, slug=request.POST["district"]
            ).first()
        try:
            services.saved_reply_create(
                actor=officer,
                title=request.POST.get("title", ""),
                text=request.POST.get("text", ""),
                district=district,
                purpose=request.POST.get("purpose", ""),
            )
            messages.success(request, "Saved reply added.")
            return redirect("inbox:saved-replies")
        except ValidationError as exc:
            error = _errors(exc)
        except PermissionDenied:
            error = "You may not add to that library."
    library = selectors.saved_replies_for(officer=officer)
    for saved in library:
        saved.manageable = can(officer, "manage", saved)
    return render(
        request,
        "inbox/saved_replies.html",
        {
            "library": library,
            "districts": manageable,
            "can_force_library": officer.is_comms,
            "purposes": SavedReply.Purpose.choices,
            "placeholders": services.SAVED_REPLY_PLACEHOLDERS,
            "error": error,
            "posted": request.POST,
        },
        status=400 if error else 200,
    )


@officer_required
@require_POST
def saved_reply_delete(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(SavedReply, pk=pk, force_id=request.officer.force_id)
    services.saved_reply_delete(actor=request.officer, saved=found)
    messages.success(request, "Saved reply removed.")
    return redirect("inbox:saved-replies")


@officer_required
def inbox_settings(request: HttpRequest) -> HttpResponse:
    officer = request.officer
    districts = [
        d for d in districts_of_officer(officer=officer) if can(officer, "manage_inbox", d)
    ]
    if request.method == "POST":
        district = next((d for d in districts if d.slug == request.POST.get("district")), None)
        if district is None:
            # Unknown, or not one this officer runs: ask the one permission layer, which refuses
            # and audits (a missing district is simply not found).
            district = get_object_or_404(
                District, force=officer.force, slug=request.POST.get("district", "")
            )
            require(officer, "manage_inbox", district)
        services.district_round_robin_set(
            actor=officer, district=district, enabled=request.POST.get("round_robin") == "1"
        )
        messages.success(request, f"Round-robin saved for {district.name}.")
        return redirect("inbox:settings")
    enabled = set(
        DistrictInboxSettings.objects.filter(
            force_id=officer.force_id, round_robin=True
        ).values_list("district_id", flat=True)
    )
    for district in districts:
        district.round_robin = district.pk in enabled
    return render(request, "inbox/settings.html", {"districts": districts})
