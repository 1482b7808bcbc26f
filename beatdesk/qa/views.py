"""Desk pages for Q&A sessions: create, run (moderate and answer), stats and export."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from beatdesk.core.permissions import can, require
from beatdesk.core.views import officer_required
from beatdesk.qa import selectors, services
from beatdesk.qa.forms import AnswerForm, CancelForm, HideForm, SessionEditForm, SessionForm
from beatdesk.qa.models import Question, Session


def _session(request: HttpRequest, session_id: int, action: str = "view") -> Session:
    session = (
        Session.objects.select_related("force__policy", "created_by")
        .filter(pk=session_id, force_id=request.officer.force_id)
        .first()
    )
    if session is None:
        raise Http404("No such session.")
    require(request.officer, action, session)
    return session


def _question(session: Session, question_id: int) -> Question:
    question = (
        Question.objects.select_related("session", "group_leader")
        .filter(pk=question_id, session=session)
        .first()
    )
    if question is None:
        raise Http404("No such question.")
    return question


def _errors(exc: ValidationError) -> str:
    return " ".join(exc.messages)


@officer_required
def session_list(request: HttpRequest) -> HttpResponse:
    officer = request.officer
    require(officer, "view_qa_sessions", officer.force)
    sessions = [
        s for s in selectors.sessions_of_force(force=officer.force) if can(officer, "view", s)
    ]
    return render(
        request,
        "qa/desk/list.html",
        {
            "sessions": sessions,
            "can_create": can(officer, "create_qa_session", officer.force),
        },
    )


@officer_required
def session_new(request: HttpRequest) -> HttpResponse:
    officer = request.officer
    require(officer, "create_qa_session", officer.force)
    form = SessionForm(request.POST or None, officer=officer)
    if request.method == "POST" and form.is_valid():
        try:
            session = services.session_create(actor=officer, **form.cleaned_data)
        except ValidationError as exc:
            for field, problems in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, problems)
        else:
            messages.success(
                request,
                f"“{session.title}” is scheduled. The announcement and reminder are in the outbox.",
            )
            return redirect("qa:session", session.pk)
    return render(request, "qa/desk/new.html", {"form": form})


@officer_required
def session_edit(request: HttpRequest, session_id: int) -> HttpResponse:
    session = _session(request, session_id, "run")
    officer = request.officer
    form = SessionEditForm(request.POST or None, officer=officer, session=session)
    if request.method == "POST" and form.is_valid():
        try:
            services.session_update(actor=officer, session=session, **form.cleaned_data)
        except ValidationError as exc:
            for field, problems in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, problems)
        else:
            messages.success(request, "The session is changed.")
            return redirect("qa:session", session.pk)
    return render(
        request,
        "qa/desk/edit.html",
        {"form": form, "session": session, "cancel_form": CancelForm()},
        status=400 if form.errors else 200,
    )


@require_POST
@officer_required
def session_cancel(request: HttpRequest, session_id: int) -> HttpResponse:
    session = _session(request, session_id, "run")
    form = CancelForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError({"reason": "Say why: the reason is kept in the audit trail."})
        services.session_cancel(
            actor=request.officer, session=session, reason=form.cleaned_data["reason"]
        )
    except ValidationError as exc:
        edit = SessionEditForm(officer=request.officer, session=session)
        for field, problems in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, problems)
        return render(
            request,
            "qa/desk/edit.html",
            {"form": edit, "session": session, "cancel_form": form},
            status=400,
        )
    messages.success(
        request, "The session is cancelled; a notice is going out and questions went to the inbox."
    )
    return redirect("qa:session", session.pk)


@officer_required
def session_detail(request: HttpRequest, session_id: int) -> HttpResponse:
    session = _session(request, session_id)
    return render(request, "qa/desk/session.html", _run_context(request, session))


@officer_required
def session_status(request: HttpRequest, session_id: int) -> HttpResponse:
    """Polled by the run screen: nothing (204) until something changed, then a refresh link.

    The run screen is not swapped in place: an officer may be typing an answer or a reason.
    """
    session = _session(request, session_id)
    if request.GET.get("v") == str(session.version):
        return HttpResponse(status=204)
    pending = Question.objects.filter(
        session=session, state__in=[Question.State.PENDING, Question.State.HELD]
    ).count()
    return render(request, "qa/desk/_status.html", {"session": session, "pending": pending})


def _run_context(request: HttpRequest, session: Session) -> dict:
    officer = request.officer
    may_moderate = can(officer, "moderate", session)
    may_answer = can(officer, "answer", session)
    answered, waiting = selectors.public_groups(session=session)
    return {
        "session": session,
        "phase": session.phase(),
        "zone": session.force.policy.zone,
        "may_moderate": may_moderate,
        "may_answer": may_answer,
        "may_run": can(officer, "run", session),
        "queue": selectors.moderation_queue(session=session) if may_moderate else [],
        "waiting": waiting,
        "answered": answered,
        "hidden": selectors.hidden_questions(session=session) if may_moderate else [],
        "merge_targets": selectors.merge_targets(session=session) if may_moderate else [],
        "panel": list(session.panel.all()),
        "accounts": list(session.accounts.all()),
        "answer_form": AnswerForm(),
    }


def _back(session: Session, anchor: str = "") -> HttpResponse:
    url = reverse("qa:session", args=[session.pk])
    return redirect(f"{url}#{anchor}" if anchor else url)


@require_POST
@officer_required
def question_action(request: HttpRequest, session_id: int, question_id: int, action: str):
    session = _session(request, session_id)
    question = _question(session, question_id)
    officer = request.officer
    try:
        if action == "approve":
            services.question_approve(actor=officer, question=question)
            messages.success(request, "Question approved.")
        elif action == "hide":
            form = HideForm(request.POST)
            reason = form.data.get("reason", "")
            services.question_hide(actor=officer, question=question, reason=reason)
            messages.success(request, "Question hidden.")
        elif action == "merge":
            into = request.POST.get("into", "")
            if not into.isdigit():
                raise ValidationError("Choose the question to merge into.")
            target = _question(session, int(into))
            services.question_merge(actor=officer, question=question, into=target)
            messages.success(request, "Question merged.")
        elif action == "split":
            services.question_split(actor=officer, question=question)
            messages.success(request, "Question taken out of its group.")
        elif action == "take":
            services.question_take(actor=officer, question=question)
            return _back(session, f"answer-{question.leader_id}")
        elif action == "release":
            services.question_release(actor=officer, question=question)
            messages.success(request, "Question given back to the panel.")
        elif action == "answer":
            form = AnswerForm(request.POST)
            services.answer_create(actor=officer, question=question, text=form.data.get("text", ""))
            messages.success(request, "Answer published.")
        else:
            raise Http404("No such action.")
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    return _back(session)


@officer_required
def inbox_messages(request: HttpRequest, session_id: int) -> HttpResponse:
    """Public messages to the session's accounts that a moderator can move into it."""
    session = _session(request, session_id, "moderate")
    return render(
        request,
        "qa/desk/inbox.html",
        {
            "session": session,
            "candidates": selectors.inbox_candidates(session=session, officer=request.officer),
        },
    )


@require_POST
@officer_required
def inbox_move(request: HttpRequest, session_id: int, message_id: int) -> HttpResponse:
    from beatdesk.inbox.models import Message

    session = _session(request, session_id, "moderate")
    message = (
        Message.objects.select_related("conversation")
        .filter(pk=message_id, force_id=session.force_id)
        .first()
    )
    if message is None:
        raise Http404("No such message.")
    try:
        services.question_from_inbox(actor=request.officer, message=message, session=session)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, "The message is now a question in the session.")
    return redirect("qa:inbox", session.pk)


@require_POST
@officer_required
def session_close(request: HttpRequest, session_id: int) -> HttpResponse:
    session = _session(request, session_id, "run")
    if services.session_close(actor=request.officer, session=session):
        messages.success(
            request, "The session is closed; unanswered questions went to the district inboxes."
        )
    return _back(session)


@officer_required
def session_stats(request: HttpRequest, session_id: int) -> HttpResponse:
    session = _session(request, session_id, "view_stats")
    return render(
        request,
        "qa/desk/stats.html",
        {"session": session, "stats": selectors.session_stats(session=session)},
    )


# Spreadsheets run a cell that starts with one of these as a formula (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: str) -> str:
    return "'" + cell if cell.startswith(FORMULA_START) else cell


@officer_required
def session_export(request: HttpRequest, session_id: int) -> HttpResponse:
    session = _session(request, session_id, "view_stats")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="qa-{session.slug}.csv"'
    writer = csv.writer(response)
    for row in services.session_export(actor=request.officer, session=session):
        writer.writerow([neutralise(cell) for cell in row])
    return response
