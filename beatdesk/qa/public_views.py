"""The public's Q&A pages on the hub: the session page (ask, follow answers live), its polled
fragment, "I want to know this too", the calendar file and the transcript."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from beatdesk.forces.models import Force
from beatdesk.forces.selectors import force_by_slug
from beatdesk.qa import live, ratelimit, selectors, services
from beatdesk.qa.calendar import session_calendar
from beatdesk.qa.forms import AskForm
from beatdesk.qa.models import Question, Session

# Questions: a few per person per ten minutes is plenty for a live session.
ASK_RATE = "5/10m"
# "Me too": generous, since one person may back many questions; per address.
ME_TOO_RATE = "60/10m"
# Viewers poll every second; the page shows the interval so it is one number in one place.
POLL_SECONDS = 1


def _force(force_slug: str) -> Force:
    force = force_by_slug(force_slug)
    if force is None:
        raise Http404("No such force.")
    return force


def _session(force: Force, slug: str) -> Session:
    session = selectors.session_by_slug(force=force, slug=slug)
    if session is None:
        raise Http404("No such session.")
    return session


def session_url(session: Session) -> str:
    return reverse("hub:qa_public:session", args=[session.force.slug, session.slug])


def sessions(request: HttpRequest, force_slug: str) -> HttpResponse:
    force = _force(force_slug)
    return render(
        request,
        "qa/hub/sessions.html",
        {
            "force": force,
            "upcoming": selectors.upcoming_sessions(force=force, limit=20),
            "past": selectors.past_sessions(force=force),
        },
    )


def _live_context(session: Session, state: live.LiveState) -> dict:
    answered, waiting = selectors.public_groups(session=session)
    return {
        "session": session,
        "force": session.force,
        "phase": state.phase,
        "tag": state.tag,
        "answered": answered,
        "waiting": waiting,
        "poll_seconds": POLL_SECONDS,
        "accepts_questions": session.accepts_questions(),
    }


def _fragment(state: live.LiveState, *, poll: bool, session: Session | None = None) -> bytes:
    """The rendered fragment; the session is loaded only when this version is not cached."""

    def render() -> bytes:
        found = session or Session.objects.select_related("force__policy").get(pk=state.session_id)
        return render_to_string(
            "qa/hub/_live.html", {**_live_context(found, state), "poll": poll}
        ).encode()

    return live.fragment(state, "poll" if poll else "page", render)


def session_page(request: HttpRequest, force_slug: str, slug: str) -> HttpResponse:
    force = _force(force_slug)
    cancelled = selectors.cancelled_session_by_slug(force=force, slug=slug)
    if cancelled is not None:
        # Someone following an old link or the announcement learns it is off (410 Gone).
        return render(
            request, "qa/hub/cancelled.html", {"force": force, "session": cancelled}, status=410
        )
    session = _session(force, slug)
    state = live.state(session.pk)
    return render(
        request,
        "qa/hub/session.html",
        {
            "force": force,
            "session": session,
            "phase": state.phase,
            "live_html": _fragment(state, poll=False, session=session).decode(),
            "form": AskForm(),
            "accepts_questions": session.accepts_questions(),
        },
    )


@require_GET
def live_fragment(request: HttpRequest, force_slug: str, slug: str) -> HttpResponse:
    """Polled every second by every viewer, so it costs almost nothing when nothing changed:
    204 when the viewer's version is current, 304 for a matching ETag, else the fragment
    rendered once per version per process."""
    session_id = live.session_id_for(force_slug, slug)
    if session_id is None:
        raise Http404("No such session.")
    state = live.state(session_id)
    if state is None:
        raise Http404("No such session.")
    if request.GET.get("v") == state.tag:
        response = HttpResponse(status=204)
    elif request.headers.get("If-None-Match") == state.etag:
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(_fragment(state, poll=True))
    response["ETag"] = state.etag
    response["Cache-Control"] = "no-cache"
    return response


@require_POST
def ask(request: HttpRequest, force_slug: str, slug: str) -> HttpResponse:
    force = _force(force_slug)
    session = _session(force, slug)
    form = AskForm(request.POST)
    back = session_url(session) + "#ask"
    if not form.is_valid():
        for problems in form.errors.values():
            for problem in problems:
                messages.error(request, problem)
        return redirect(back)
    if form.cleaned_data["website"]:
        # A bot filled the hidden field: say thanks and keep nothing.
        messages.success(request, "Thank you, your question has been sent.")
        return redirect(back)
    address = ratelimit.address_key(request)
    if not ratelimit.allow(request, "ask", rate=ASK_RATE):
        messages.error(
            request,
            "You have sent several questions in the last few minutes. Please wait a little "
            "before asking another.",
        )
        return redirect(back)
    try:
        question = services.question_submit(
            session=session,
            text=form.cleaned_data["text"],
            asker_name=form.cleaned_data["asker_name"],
            client_key=address,
        )
    except services.EmergencyQuestion:
        policy = force.policy
        messages.error(
            request,
            f"Your message sounds like an emergency. If anyone is in danger now, call "
            f"{policy.emergency_phone}. We have passed your message to the team that watches "
            f"for urgent messages, but this page is not monitored for emergencies.",
        )
        return redirect(back)
    except ValidationError as exc:
        for problem in exc.messages:
            messages.error(request, problem)
        return redirect(back)
    if question.state == Question.State.HELD:
        messages.success(request, "Thank you. Your question will be checked before it is shown.")
    else:
        messages.success(
            request,
            "Thank you, your question has been sent. It appears below once a moderator has "
            "checked it.",
        )
    return redirect(back)


def _same_site(request: HttpRequest) -> bool:
    """The "I want to know this too" buttons live in a fragment shared by every viewer (so it
    carries no per-person CSRF token); browsers say where a request came from instead."""
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None:
        return site in ("same-origin", "none")
    origin = request.headers.get("Origin")
    if origin is not None:
        return url_has_allowed_host_and_scheme(
            origin + "/", allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    return True


@csrf_exempt
@require_POST
def me_too(request: HttpRequest, force_slug: str, slug: str, question_id: int) -> HttpResponse:
    if not _same_site(request):
        return HttpResponseForbidden("This button only works on the session page.")
    force = _force(force_slug)
    session = _session(force, slug)
    question = Question.objects.filter(pk=question_id, session=session).first()
    if question is None:
        raise Http404("No such question.")
    client, new = ratelimit.client_id(request)
    back = session_url(session) + f"#question-{question.leader_id}"
    if not ratelimit.allow(request, "me_too", rate=ME_TOO_RATE):
        messages.error(request, "Too many clicks from your connection; try again in a while.")
        return redirect(back)
    try:
        counted = services.question_me_too(question=question, client_key=client)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        counted = None
    if counted:
        messages.success(request, "Thanks, we have counted you in on that question.")
    elif counted is False:
        messages.success(request, "You have already said you want to know this.")
    response = redirect(back)
    if new:
        ratelimit.remember_client(response, client)
    return response


def calendar(request: HttpRequest, force_slug: str, slug: str) -> HttpResponse:
    force = _force(force_slug)
    session = _session(force, slug)
    body = session_calendar(session, page_url=request.build_absolute_uri(session_url(session)))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{session.slug}.ics"'
    return response


def transcript(request: HttpRequest, force_slug: str, slug: str) -> HttpResponse:
    force = _force(force_slug)
    session = _session(force, slug)
    return render(
        request,
        "qa/hub/transcript.html",
        {
            "force": force,
            "session": session,
            "phase": session.phase(),
            "groups": selectors.transcript(session=session),
            "now": timezone.now(),
        },
    )
