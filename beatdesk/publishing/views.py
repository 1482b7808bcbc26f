"""Desk pages for publishing: compose, the officer's posts, a post's delivery status, approval,
take-down, pausing, and the simulated network's failure switch."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from beatdesk.core.permissions import can, require
from beatdesk.core.views import officer_required
from beatdesk.forces.models import Account, Channel
from beatdesk.forces.selectors import accounts_of_force, accounts_postable_by
from beatdesk.networks.simulated.models import SimulatedMode
from beatdesk.people.signatures import signature_for
from beatdesk.publishing import selectors, services
from beatdesk.publishing.forms import (
    ComposeDraft,
    PartDraft,
    new_draft,
    part_inputs,
    read_draft,
    scheduled_time,
)
from beatdesk.publishing.models import Delivery, Post, PublishingPause


def _zone(request: HttpRequest):
    return request.officer.force.policy.zone


def _with_status(post: Post, zone) -> Post:
    for delivery in post.deliveries.all():
        delivery.status = selectors.delivery_status(delivery, zone=zone)
    return post


@officer_required
def posts(request: HttpRequest) -> HttpResponse:
    """The officer's publishing home: their posts, what waits for them, what they were told."""
    officer = request.officer
    zone = _zone(request)
    return render(
        request,
        "publishing/posts.html",
        {
            "posts": [_with_status(p, zone) for p in selectors.posts_by_author(officer=officer)],
            "waiting": selectors.posts_waiting_for(officer=officer),
            "held": selectors.held_deliveries(officer=officer),
            "notifications": selectors.notifications_for(officer=officer),
            "unread": selectors.unread_count(officer=officer),
            "pauses": selectors.active_pauses_of(force_id=officer.force_id),
            "can_post": bool(accounts_postable_by(officer=officer)),
            "in_scope": [_with_status(p, zone) for p in selectors.posts_in_scope(officer=officer)]
            if can(officer, "view_all", officer.force) or _leads_anything(officer)
            else [],
        },
    )


def _leads_anything(officer) -> bool:
    from beatdesk.people.selectors import district_roles

    return "lead" in district_roles(officer).values()


@officer_required
def choose_account(request: HttpRequest) -> HttpResponse:
    accounts = accounts_postable_by(officer=request.officer)
    if len(accounts) == 1:
        return redirect("publishing:compose", accounts[0].slug)
    return render(request, "publishing/choose.html", {"accounts": accounts})


def _postable(request: HttpRequest, account_slug: str) -> Account:
    account = get_object_or_404(
        Account.objects.select_related("district", "force__policy"),
        force_id=request.officer.force_id,
        slug=account_slug,
    )
    require(request.officer, "post", account)
    return account


def _compose_context(request, account: Account, draft: ComposeDraft, errors: list[str]) -> dict:
    from beatdesk.networks.text import counter_config

    channels = [c for c in account.channels.all() if c.state != Channel.State.DISABLED]
    signature = signature_for(request.officer)
    force = request.officer.force
    return {
        "account": account,
        "draft": draft,
        "errors": errors,
        "signature": signature,
        "channels": channels,
        "counter_config": counter_config(channels, signature),
        "districts": force.districts.prefetch_related("places"),
        "selected_districts": set(draft.district_ids),
        "selected_places": set(draft.place_ids),
        "zone_name": force.policy.time_zone,
        "pause": selectors.pause_covering(account=account),
        "needs_approval": request.officer.requires_approval,
    }


@officer_required
def compose(request: HttpRequest, account_slug: str) -> HttpResponse:
    """Write a post on one account; the page is headed by that account's name and avatar."""
    account = _postable(request, account_slug)
    if request.method != "POST":
        return render(
            request, "publishing/compose.html", _compose_context(request, account, new_draft(), [])
        )
    draft = read_draft(request.POST)
    action = request.POST.get("action", "post")
    if action == "add_part" and len(draft.parts) < services.MAX_PARTS:
        draft.parts.append(PartDraft(len(draft.parts)))
        return render(
            request, "publishing/compose.html", _compose_context(request, account, draft, [])
        )
    if action.startswith("remove_part_") and len(draft.parts) > 1:
        index = int(action.rsplit("_", 1)[1]) if action.rsplit("_", 1)[1].isdigit() else -1
        draft.parts = [p for p in draft.parts if p.index != index]
        for i, part in enumerate(draft.parts):
            part.index = i
        return render(
            request, "publishing/compose.html", _compose_context(request, account, draft, [])
        )
    parts, errors = part_inputs(draft, request.FILES)
    when, when_errors = scheduled_time(draft, account.force)
    errors += when_errors
    if not errors:
        try:
            post = services.post_create(
                actor=request.officer,
                account=account,
                parts=parts,
                client_token=draft.client_token,
                tags=draft.tags,
                district_ids=draft.district_ids,
                place_ids=draft.place_ids,
                scheduled_for=when,
            )
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, _created_message(post))
            return redirect("publishing:post", post.pk)
    return render(
        request,
        "publishing/compose.html",
        _compose_context(request, account, draft, errors),
        status=400,
    )


def _created_message(post: Post) -> str:
    if post.state == Post.State.PENDING_APPROVAL:
        return "Saved. Your post is waiting for a team lead's approval."
    if post.scheduled_for:
        return "Scheduled. It goes out at the time you chose."
    return f"Posted on {post.account.name}."


def _post_or_404(request: HttpRequest, post_id: int) -> Post:
    post = selectors.post_for_desk(officer=request.officer, post_id=post_id)
    if post is None:
        raise Http404("No such post.")
    return post


@officer_required
def post_detail(request: HttpRequest, post_id: int) -> HttpResponse:
    post = _with_status(_post_or_404(request, post_id), _zone(request))
    officer = request.officer
    template = (
        "publishing/_status.html" if request.headers.get("HX-Request") else "publishing/post.html"
    )
    return render(
        request,
        template,
        {
            "post": post,
            "can_edit": can(officer, "edit", post),
            "can_delete": can(officer, "delete", post),
            "can_take_down": can(officer, "take_down", post) and post.author_id != officer.pk,
            "can_approve": post.state == Post.State.PENDING_APPROVAL
            and can(officer, "approve", post),
            "can_confirm": any(
                d.state == Delivery.State.HELD and can(officer, "confirm", d)
                for d in post.deliveries.all()
            ),
            "hub_url": _hub_url(post),
            "live": any(
                d.state
                not in (Delivery.State.SENT, Delivery.State.CANCELLED, Delivery.State.FAILED)
                for d in post.deliveries.all()
            ),
        },
    )


def _hub_url(post: Post) -> str:
    if post.state != Post.State.PUBLISHED:
        return ""
    for delivery in post.deliveries.all():
        if delivery.channel.network == Channel.Network.HUB and delivery.url:
            return delivery.url
    return ""


@officer_required
def post_edit(request: HttpRequest, post_id: int) -> HttpResponse:
    post = _post_or_404(request, post_id)
    require(request.officer, "edit", post)
    errors: list[str] = []
    texts = [part.text for part in post.parts.all()]
    tags = ", ".join(tag.name for tag in post.tags.all())
    if request.method == "POST":
        texts = [request.POST.get(f"part-{i}-text", "") for i in range(len(post.parts.all()))]
        tags = request.POST.get("tags", "")
        try:
            services.post_edit(
                actor=request.officer,
                post=post,
                texts=texts,
                tags=tags,
                scheduled_for=post.scheduled_for,
            )
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, "Saved. The change reaches every network that allows edits.")
            return redirect("publishing:post", post.pk)
    from beatdesk.networks.text import counter_config

    channels = [c for c in post.account.channels.all() if c.state != Channel.State.DISABLED]
    return render(
        request,
        "publishing/edit.html",
        {
            "post": post,
            "texts": list(enumerate(texts)),
            "tags": tags,
            "errors": errors,
            "counter_config": counter_config(channels, post.signature),
        },
        status=400 if errors else 200,
    )


@officer_required
def post_delete(request: HttpRequest, post_id: int) -> HttpResponse:
    post = _post_or_404(request, post_id)
    require(request.officer, "delete", post)
    if request.method == "POST":
        services.post_delete(actor=request.officer, post=post)
        messages.success(request, "Deleted from the hub and from every network that allows it.")
        return redirect("publishing:posts")
    return render(request, "publishing/delete.html", {"post": post})


@officer_required
def post_take_down(request: HttpRequest, post_id: int) -> HttpResponse:
    post = _post_or_404(request, post_id)
    require(request.officer, "take_down", post)
    errors: list[str] = []
    if request.method == "POST":
        try:
            services.post_take_down(
                actor=request.officer, post=post, reason=request.POST.get("reason", "")
            )
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, "Taken down. The author has been told why.")
            return redirect("publishing:post", post.pk)
    return render(
        request,
        "publishing/take_down.html",
        {"post": post, "errors": errors},
        status=400 if errors else 200,
    )


@officer_required
@require_POST
def post_review(request: HttpRequest, post_id: int) -> HttpResponse:
    post = _post_or_404(request, post_id)
    try:
        if request.POST.get("decision") == "approve":
            services.post_approve(actor=request.officer, post=post)
            messages.success(request, "Approved. The author has been told.")
        else:
            services.post_return(
                actor=request.officer, post=post, reason=request.POST.get("reason", "")
            )
            messages.success(request, "Returned to the author with your reason.")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("publishing:post", post.pk)


@officer_required
@require_POST
def delivery_confirm(request: HttpRequest, delivery_id: int) -> HttpResponse:
    delivery = get_object_or_404(
        Delivery.objects.select_related("channel__account", "post"),
        pk=delivery_id,
        force_id=request.officer.force_id,
    )
    send = request.POST.get("decision") == "send"
    try:
        services.delivery_confirm(actor=request.officer, delivery=delivery, send=send)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Released: it goes out now." if send else "Cancelled.")
    if delivery.post_id:
        return redirect("publishing:post", delivery.post_id)
    return redirect("publishing:posts")


@officer_required
@require_POST
def notifications_read(request: HttpRequest) -> HttpResponse:
    services.notifications_mark_read(actor=request.officer)
    return redirect("publishing:posts")


@officer_required
def pauses(request: HttpRequest) -> HttpResponse:
    """Comms stop and restart publishing, force-wide or on one account."""
    officer = request.officer
    force = officer.force
    require(officer, "pause_publishing", force)
    errors: list[str] = []
    if request.method == "POST":
        slug = request.POST.get("account", "")
        account = get_object_or_404(Account, force=force, slug=slug) if slug else None
        try:
            services.publishing_pause(
                actor=officer, force=force, account=account, reason=request.POST.get("reason", "")
            )
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, "Publishing paused. Nothing queued is lost.")
            return redirect("publishing:pauses")
    return render(
        request,
        "publishing/pauses.html",
        {
            "pauses": selectors.active_pauses_of(force_id=force.pk),
            "accounts": accounts_of_force(force=force),
            "errors": errors,
        },
        status=400 if errors else 200,
    )


@officer_required
@require_POST
def pause_resume(request: HttpRequest, pause_id: int) -> HttpResponse:
    pause = get_object_or_404(PublishingPause, pk=pause_id, force_id=request.officer.force_id)
    try:
        services.publishing_resume(actor=request.officer, pause=pause)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Publishing resumed: waiting posts go out now.")
    return redirect("publishing:pauses")


@officer_required
def simulated_network(request: HttpRequest) -> HttpResponse:
    """Make the simulated network fail on purpose, to show (and train on) the outbox."""
    from beatdesk.networks.simulated.services import simulated_mode_set
    from beatdesk.networks.simulated.transport import mode_for

    force = request.officer.force
    require(request.officer, "test_networks", force)
    if request.method == "POST":
        try:
            simulated_mode_set(
                actor=request.officer,
                force=force,
                mode=request.POST.get("mode", ""),
                failure_percent=int(request.POST.get("failure_percent") or 50),
                retry_after_seconds=int(request.POST.get("retry_after_seconds") or 30),
            )
        except (ValidationError, ValueError) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(request, "The simulated network's behaviour is changed.")
        return redirect("publishing:simulated")
    recent = (
        Delivery.objects.filter(force=force, channel__network=Channel.Network.SIMULATED)
        .select_related("channel__account", "post")
        .order_by("-updated_at")[:25]
    )
    zone = force.policy.zone
    for delivery in recent:
        delivery.status = selectors.delivery_status(delivery, zone=zone)
    return render(
        request,
        "publishing/simulated.html",
        {"current": mode_for(force.pk), "modes": SimulatedMode.Mode.choices, "recent": recent},
    )
