"""The public hub: pages anyone can read without an account, one force per URL prefix.

Every page is rendered without the request's user, session or messages (``render_page``), so a
rendered page is the same for every reader and can be cached (``hub/cache.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from functools import wraps

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import urlencode

from beatdesk.forces.models import Force
from beatdesk.forces.selectors import active_forces, force_by_slug
from beatdesk.hub import selectors
from beatdesk.hub.cache import hub_page
from beatdesk.hub.search import query_terms
from beatdesk.people.selectors import team_of_district

SEARCH_PAGE_SIZE = 20
SEARCH_MAX_PAGES = 25


NOT_FOUND_MESSAGES = {
    "district": "There is no district at this address.",
    "officer": "There is no officer at this address.",
    "topic": "There is no topic at this address.",
    "post": "This post does not exist or has been removed.",
}


def hub_view(kind: str | None = None) -> Callable[[Callable], Callable]:
    """``hub_page``, and a 404 in the hub's own layout when the thing asked for is not there."""

    def decorate(view: Callable) -> Callable:
        cached = hub_page(view)

        @wraps(view)
        def wrapped(request: HttpRequest, force_slug: str, **kwargs) -> HttpResponse:
            try:
                return cached(request, force_slug=force_slug, **kwargs)
            except Http404:
                force = force_by_slug(force_slug)
                if force is None:
                    raise
                return not_found(request, force, kind)

        return wrapped

    return decorate


def not_found(request: HttpRequest, force: Force, kind: str | None = None) -> HttpResponse:
    message = NOT_FOUND_MESSAGES.get(kind or "", "There is no page at this address.")
    response = render_page(
        "hub/not_found.html", base_context(request, force, message=message), status=404
    )
    response["Cache-Control"] = "public, max-age=0, s-maxage=1"
    return response


def render_page(template: str, context: dict, *, status: int = 200) -> HttpResponse:
    return HttpResponse(render_to_string(template, context), status=status)


def base_context(request: HttpRequest, force: Force, **extra) -> dict:
    return {
        "force": force,
        "policy": force.policy,
        "canonical": request.build_absolute_uri(request.path),
        "site_root": request.build_absolute_uri("/").rstrip("/"),
        **extra,
    }


def root(request: HttpRequest) -> HttpResponse:
    """The site root: the default force's hub, or a list when one install serves several."""
    if settings.DEFAULT_FORCE:
        return redirect("hub:force-home", settings.DEFAULT_FORCE)
    forces = list(active_forces())
    if len(forces) == 1:
        return redirect("hub:force-home", forces[0].slug)
    return render(request, "hub/forces.html", {"forces": forces})


def upcoming_sessions(force: Force) -> list:
    """Upcoming Q&A sessions, when the qa app offers them; nothing otherwise."""
    try:
        from beatdesk.qa import selectors as qa_selectors
    except ImportError:
        return []
    upcoming = getattr(qa_selectors, "upcoming_sessions", None)
    return list(upcoming(force=force, limit=3)) if upcoming else []


@hub_view()
def force_home(request: HttpRequest, force: Force) -> HttpResponse:
    page = selectors.posts_latest(force=force, cursor=request.GET.get("after"), limit=10)
    return render_page(
        "hub/force_home.html",
        base_context(
            request,
            force,
            urgent=selectors.posts_urgent(force=force),
            posts=page.items,
            next_url=_next_url(request, page.next_cursor),
            districts=selectors.districts_for_hub(force=force),
            sessions=upcoming_sessions(force),
            topics=selectors.tags_in_use(force=force),
            feed_url=reverse("hub:force-feed", args=[force.slug]),
        ),
    )


@hub_view()
def area(request: HttpRequest, force: Force) -> HttpResponse:
    query = request.GET.get("q", "")
    result = selectors.area_lookup(force=force, query=query)
    if result.district is not None:
        return redirect("hub:district", force.slug, result.district.slug)
    return render_page(
        "hub/area.html",
        base_context(
            request,
            force,
            result=result,
            districts=selectors.districts_for_hub(force=force),
        ),
    )


@hub_view("district")
def district(request: HttpRequest, force: Force, district_slug: str) -> HttpResponse:
    found = selectors.district_by_slug(force=force, slug=district_slug)
    if found is None:
        raise Http404("No such district.")
    accounts = selectors.district_accounts(district=found)
    page = selectors.posts_for_district(
        district=found, accounts=accounts, cursor=request.GET.get("after")
    )
    channels = [
        channel
        for account in accounts
        for channel in account.channels.all()
        if channel.profile_url and channel.network != channel.Network.HUB
    ]
    # The account the contact form writes to for this district (the form lists the same).
    contact_account = next(
        (
            account
            for account in accounts
            if account.is_active and any(c.network == c.Network.HUB for c in account.channels.all())
        ),
        None,
    )
    return render_page(
        "hub/district.html",
        base_context(
            request,
            force,
            district=found,
            accounts=accounts,
            posts=page.items,
            next_url=_next_url(request, page.next_cursor),
            team=list(team_of_district(district_id=found.pk)),
            channels=channels,
            contact_account=contact_account,
            feed_url=reverse("hub:district-feed", args=[force.slug, found.slug]),
        ),
    )


@hub_view("officer")
def officer(request: HttpRequest, force: Force, officer_slug: str) -> HttpResponse:
    found = selectors.officer_by_slug(force=force, slug=officer_slug)
    if found is None:
        raise Http404("No such officer.")
    page = selectors.posts_for_officer(officer=found, cursor=request.GET.get("after"))
    return render_page(
        "hub/officer.html",
        base_context(
            request,
            force,
            officer=found,
            districts=[m.district for m in found.memberships.all()],
            posts=page.items,
            next_url=_next_url(request, page.next_cursor),
            feed_url=reverse("hub:officer-feed", args=[force.slug, found.slug]),
        ),
    )


@hub_view("topic")
def topic(request: HttpRequest, force: Force, tag_slug: str) -> HttpResponse:
    tag = selectors.tag_by_slug(force=force, slug=tag_slug)
    if tag is None:
        raise Http404("No such topic.")
    page = selectors.posts_for_tag(tag=tag, cursor=request.GET.get("after"))
    return render_page(
        "hub/topic.html",
        base_context(
            request,
            force,
            tag=tag,
            posts=page.items,
            next_url=_next_url(request, page.next_cursor),
            feed_url=reverse("hub:topic-feed", args=[force.slug, tag.slug]),
        ),
    )


@hub_view("post")
def post(request: HttpRequest, force: Force, post_id: int) -> HttpResponse:
    found = selectors.post_public(force=force, post_id=post_id)
    if found is None:
        raise Http404("This post does not exist or has been removed.")
    parts = list(found.parts.all())
    images = [image for part in parts for image in part.images.all()]
    summary = " ".join(parts[0].text.split())[:200] if parts else ""
    return render_page(
        "hub/post.html",
        base_context(
            request,
            force,
            post=found,
            parts=parts,
            summary=summary,
            share_image=images[0] if images else None,
        ),
    )


@hub_view()
def search(request: HttpRequest, force: Force) -> HttpResponse:
    text = request.GET.get("q", "").strip()[:200]
    errors: list[str] = []
    districts = selectors.districts_for_hub(force=force)
    officers = list(selectors.officers_for_hub(force=force))
    topics = selectors.tags_in_use(force=force, limit=200)
    chosen = {
        "district": _choose(districts, request.GET.get("district")),
        "officer": _choose(officers, request.GET.get("officer")),
        "topic": _choose(topics, request.GET.get("topic")),
    }
    since = _parse_date(request.GET.get("from"), "From", errors)
    until = _parse_date(request.GET.get("to"), "To", errors)
    try:
        number = max(1, min(int(request.GET.get("page", "1")), SEARCH_MAX_PAGES))
    except ValueError:
        number = 1
    posts: list = []
    has_more = False
    searched = bool(text) and not errors
    if searched and not query_terms(text):
        errors.append("Search for at least one word other than “the”, “and” and the like.")
        searched = False
    if searched:
        found = selectors.posts_search(
            force=force,
            text=text,
            district=chosen["district"],
            officer=chosen["officer"],
            tag=chosen["topic"],
            since=day_start(since, force) if since else None,
            until=day_start(until + timedelta(days=1), force) if until else None,
            limit=SEARCH_PAGE_SIZE,
            offset=(number - 1) * SEARCH_PAGE_SIZE,
        )
        posts = found.items
        has_more = found.has_more and number < SEARCH_MAX_PAGES
    params = {k: v for k, v in request.GET.items() if k != "page" and v}
    return render_page(
        "hub/search.html",
        base_context(
            request,
            force,
            text=text,
            searched=searched,
            errors=errors,
            posts=posts,
            districts=districts,
            officers=officers,
            topics=topics,
            chosen=chosen,
            since=request.GET.get("from", ""),
            until=request.GET.get("to", ""),
            any_filter=any(chosen.values()) or bool(since or until),
            page_number=number,
            next_url=f"?{urlencode({**params, 'page': number + 1})}" if has_more else None,
            prev_url=f"?{urlencode({**params, 'page': number - 1})}" if number > 1 else None,
            without_filters=f"?{urlencode({'q': text})}",
        ),
    )


@hub_view()
def accessibility(request: HttpRequest, force: Force) -> HttpResponse:
    return render_page("hub/accessibility.html", base_context(request, force))


def _next_url(request: HttpRequest, cursor: str | None) -> str | None:
    if not cursor:
        return None
    params = {k: v for k, v in request.GET.items() if k != "after"}
    return "?" + urlencode({**params, "after": cursor})


def day_start(day: date, force: Force) -> datetime:
    """Midnight at the start of ``day`` in the force's time zone (dates on pages are local)."""
    return datetime.combine(day, time.min, tzinfo=force.policy.zone)


def _choose(options, slug: str | None):
    if not slug:
        return None
    return next((o for o in options if o.slug == slug), None)


def _parse_date(raw: str | None, label: str, errors: list[str]) -> date | None:
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        errors.append(f"{label} date must be a date such as 2026-03-31.")
        return None


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """The site's 404: in the hub's layout for any address under a force, Django's otherwise."""
    slug = request.path.strip("/").split("/", 1)[0]
    force = force_by_slug(slug) if slug else None
    if force is None:
        from django.views.defaults import page_not_found as default

        return default(request, exception)
    return not_found(request, force)
