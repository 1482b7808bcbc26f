"""Writes about posts: compose, edit, delete, take down, approve or return, pause and resume
publishing, release held deliveries. Each checks permission, validates before saving anything,
saves in one transaction with its outbox rows, and writes an audit event."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import wraps

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from beatdesk.audit.services import audit_record
from beatdesk.core.permissions import require
from beatdesk.forces.models import Account, Channel, District, Force, Place
from beatdesk.people.models import Membership, Officer
from beatdesk.people.signatures import signature_for
from beatdesk.publishing import outbox
from beatdesk.publishing.models import (
    Delivery,
    Notification,
    Post,
    PostImage,
    PostPart,
    PublishingPause,
    Tag,
)
from beatdesk.publishing.signing import length_problems

MAX_PARTS = 10
MAX_IMAGES_PER_PART = 4
MAX_TAGS = 10
MAX_SCHEDULE_AHEAD = timedelta(days=365)
MAX_ALT_TEXT = 1500


@dataclass(frozen=True)
class ImageInput:
    """An uploaded image (file or bytes) and its alt text, as the officer gave them."""

    upload: object
    alt_text: str


@dataclass(frozen=True)
class PartInput:
    text: str
    images: Sequence[ImageInput] = ()


@dataclass(frozen=True)
class _CleanImage:
    content: bytes
    mime_type: str
    width: int
    height: int
    extension: str
    alt_text: str


def _permission_first(action: str, target: Callable[[dict], object]):
    """Ask before the transaction opens, so a refusal's audit event is not rolled back with it
    (the service asks again inside, on the locked row)."""

    def decorate(fn):
        @wraps(fn)
        def wrapper(*, actor: Officer, **kwargs):
            require(actor, action, target(kwargs))
            return fn(actor=actor, **kwargs)

        return wrapper

    return decorate


# --- validation shared by compose and edit ----------------------------------------------------


def parse_tags(text: str | Sequence[str]) -> list[tuple[str, str]]:
    """ "burglary, road safety, #Whitby" -> [(slug, name), ...], in order, without repeats."""
    items = text.replace("#", ",").split(",") if isinstance(text, str) else list(text)
    found: dict[str, str] = {}
    for item in items:
        name = " ".join(str(item).split())[:60]
        slug = slugify(name)[:60]
        if slug and slug not in found:
            found[slug] = name
    if len(found) > MAX_TAGS:
        raise ValidationError(f"Use at most {MAX_TAGS} topic tags; this post has {len(found)}.")
    return list(found.items())


def _channels(account: Account) -> list[Channel]:
    return list(account.channels.exclude(state=Channel.State.DISABLED))


def _check_texts(texts: Sequence[str], signature: str, account: Account) -> list[str]:
    errors: list[str] = []
    if not texts:
        errors.append("Write something to post.")
    if len(texts) > MAX_PARTS:
        errors.append(f"A thread can have at most {MAX_PARTS} parts; this one has {len(texts)}.")
    for number, text in enumerate(texts, start=1):
        if not text.strip():
            errors.append(
                f"Part {number} is empty: write something or remove it."
                if len(texts) > 1
                else "Write something to post."
            )
    if not errors:
        errors.extend(length_problems(texts, signature, _channels(account)))
    return errors


def _check_schedule(scheduled_for: datetime | None, *, now: datetime) -> list[str]:
    if scheduled_for is None:
        return []
    if timezone.is_naive(scheduled_for):
        return ["The scheduled time needs a time zone."]
    if scheduled_for < now - timedelta(minutes=1):
        return ["The scheduled time has already passed: choose a later time or post now."]
    if scheduled_for > now + MAX_SCHEDULE_AHEAD:
        return ["Posts can be scheduled at most a year ahead."]
    return []


def _areas(force: Force, district_ids: Sequence[int], place_ids: Sequence[int]):
    districts = list(District.objects.filter(force=force, pk__in=district_ids))
    places = list(Place.objects.filter(force=force, pk__in=place_ids))
    if len(districts) != len(set(district_ids)) or len(places) != len(set(place_ids)):
        raise ValidationError("Tag only districts and places of your own force.")
    return districts, places


def _clean_images(parts: Sequence[PartInput]) -> tuple[list[list[_CleanImage]], list[str]]:
    cleaned: list[list[_CleanImage]] = []
    errors: list[str] = []
    for part_number, part in enumerate(parts, start=1):
        where = f"part {part_number}, " if len(parts) > 1 else ""
        if len(part.images) > MAX_IMAGES_PER_PART:
            errors.append(
                f"Add at most {MAX_IMAGES_PER_PART} images to a "
                f"{'part' if len(parts) > 1 else 'post'}; {where}has {len(part.images)}."
            )
        images: list[_CleanImage] = []
        for number, image in enumerate(part.images, start=1):
            alt = " ".join(image.alt_text.split())
            if not alt:
                errors.append(
                    f"Describe image {number} ({where}alt text) for people who cannot see it."
                )
            elif len(alt) > MAX_ALT_TEXT:
                errors.append(f"The alt text of image {number} ({where}) is over {MAX_ALT_TEXT}.")
            from beatdesk.core.images import sanitise_image

            try:
                clean = sanitise_image(image.upload)
            except ValidationError as exc:
                errors.extend(f"Image {number} ({where}file): {m}" for m in exc.messages)
                continue
            images.append(
                _CleanImage(
                    content=clean.content,
                    mime_type=clean.mime_type,
                    width=clean.width,
                    height=clean.height,
                    extension=clean.extension,
                    alt_text=alt,
                )
            )
        cleaned.append(images)
    return cleaned, errors


def _leads_of(account: Account) -> list[Officer]:
    if account.district_id:
        return list(
            Officer.objects.filter(
                memberships__district_id=account.district_id,
                memberships__role=Membership.Role.LEAD,
                is_active=True,
            )
        )
    return list(
        Officer.objects.filter(force_id=account.force_id, is_active=True).filter(
            Q(force_role="comms") | Q(force_role="admin")
        )
    )


def _notify(officers: Sequence[Officer], *, post: Post | None, text: str) -> None:
    Notification.objects.bulk_create(
        Notification(force_id=o.force_id, officer=o, post=post, text=text[:600]) for o in officers
    )


def _save_tags(post: Post, tags: list[tuple[str, str]]) -> None:
    rows = []
    for slug, name in tags:
        tag, _ = Tag.objects.get_or_create(
            force_id=post.force_id, slug=slug, defaults={"name": name}
        )
        rows.append(tag)
    post.tags.set(rows)


def _queue(post: Post) -> None:
    """Write the post's outbox rows; an immediate post reaches the hub as soon as it commits."""
    due = post.scheduled_for or outbox.clock()
    deliveries = outbox.enqueue_post(post=post, due_at=due)
    if post.scheduled_for is None:
        hub_ids = [d.pk for d in deliveries if d.channel.network == Channel.Network.HUB]
        if hub_ids:
            transaction.on_commit(lambda: _send_now(hub_ids))


def _send_now(ids: list[int]) -> None:
    try:
        outbox.run_outbox(only_ids=ids)
    except Exception:
        # The worker sends them on its next loop; the officer's post is saved either way.
        outbox.logger.exception("sending deliveries %s at once failed", ids)


# --- compose ---------------------------------------------------------------------------------


@_permission_first("post", lambda kw: kw["account"])
@transaction.atomic
def post_create(
    *,
    actor: Officer,
    account: Account,
    parts: Sequence[PartInput],
    client_token: str,
    tags: str | Sequence[str] = "",
    district_ids: Sequence[int] = (),
    place_ids: Sequence[int] = (),
    scheduled_for: datetime | None = None,
) -> Post:
    """Publish (or schedule, or send for approval) a signed post on ``account``; the same
    ``client_token`` twice gives the same post, never a second one."""
    require(actor, "post", account)
    client_token = (client_token or "").strip()[:64]
    if not client_token:
        raise ValidationError("The form has expired: reload the page and try again.")
    existing = Post.objects.filter(author=actor, client_token=client_token).first()
    if existing is not None:
        return existing
    signature = signature_for(actor)
    now = outbox.clock()
    texts = [part.text.strip() for part in parts]
    errors = _check_texts(texts, signature, account)
    errors += _check_schedule(scheduled_for, now=now)
    tag_list = parse_tags(tags)
    districts, places = _areas(account.force, district_ids, place_ids)
    images, image_errors = _clean_images(parts)
    errors += image_errors
    if errors:
        raise ValidationError(errors)

    if scheduled_for is not None and scheduled_for <= now:
        scheduled_for = None
    needs_approval = actor.requires_approval
    try:
        with transaction.atomic():
            post = Post.objects.create(
                force_id=account.force_id,
                account=account,
                author=actor,
                state=Post.State.PENDING_APPROVAL if needs_approval else Post.State.SCHEDULED,
                signature=signature,
                scheduled_for=scheduled_for,
                client_token=client_token,
            )
    except IntegrityError:
        # Two tabs submitted the same form at once: the other request made the post.
        return Post.objects.get(author=actor, client_token=client_token)
    for position, (text, part_images) in enumerate(zip(texts, images, strict=True)):
        part = PostPart.objects.create(post=post, position=position, text=text)
        for number, image in enumerate(part_images):
            PostImage.objects.create(
                part=part,
                position=number,
                file=ContentFile(image.content, name=f"{uuid.uuid4().hex}.{image.extension}"),
                mime_type=image.mime_type,
                alt_text=image.alt_text,
            )
    _save_tags(post, tag_list)
    post.districts.set(districts)
    post.places.set(places)
    audit_record(
        actor=actor,
        action="post.create",
        obj=post,
        data={
            "account": account.slug,
            "parts": len(texts),
            "images": sum(len(i) for i in images),
            "scheduled_for": scheduled_for.isoformat() if scheduled_for else None,
            "needs_approval": needs_approval,
        },
    )
    if needs_approval:
        _notify(
            _leads_of(account),
            post=post,
            text=f"{actor.public_name} wrote a post for {account.name} that needs your approval.",
        )
    else:
        _queue(post)
    return post


# --- edit, delete, take down -----------------------------------------------------------------


@_permission_first("edit", lambda kw: kw["post"])
@transaction.atomic
def post_edit(
    *,
    actor: Officer,
    post: Post,
    texts: Sequence[str],
    tags: str | Sequence[str] | None = None,
    district_ids: Sequence[int] | None = None,
    place_ids: Sequence[int] | None = None,
    scheduled_for: datetime | None = None,
) -> Post:
    """Change a post's text (and tags, areas, time); the change reaches every channel that can
    edit. A returned post goes back for approval."""
    post = Post.objects.select_for_update().get(pk=post.pk)
    require(actor, "edit", post)
    texts = [text.strip() for text in texts]
    now = outbox.clock()
    errors = _check_texts(texts, post.signature, post.account)
    if post.state in (Post.State.SCHEDULED, Post.State.PENDING_APPROVAL, Post.State.RETURNED):
        errors += _check_schedule(scheduled_for, now=now)
    tag_list = parse_tags(tags) if tags is not None else None
    areas = (
        _areas(post.force, district_ids or (), place_ids or ())
        if district_ids is not None
        else None
    )
    if errors:
        raise ValidationError(errors)

    before = [part.text for part in post.parts.all()]
    existing = {part.position: part for part in post.parts.all()}
    for position, text in enumerate(texts):
        part = existing.get(position)
        if part is None:
            PostPart.objects.create(post=post, position=position, text=text)
        elif part.text != text:
            part.text = text
            part.save(update_fields=["text"])
    post.parts.filter(position__gte=len(texts)).delete()
    if tag_list is not None:
        _save_tags(post, tag_list)
    if areas is not None:
        post.districts.set(areas[0])
        post.places.set(areas[1])

    was = post.state
    if post.state == Post.State.RETURNED:
        post.state = Post.State.PENDING_APPROVAL
        post.review_note = ""
    if post.state in (Post.State.SCHEDULED, Post.State.PENDING_APPROVAL):
        if scheduled_for is not None and scheduled_for <= now:
            scheduled_for = None
        post.scheduled_for = scheduled_for
        if post.state == Post.State.SCHEDULED:
            post.deliveries.filter(
                action=Delivery.Action.PUBLISH, state__in=outbox.UNFINISHED
            ).update(due_at=scheduled_for or now, updated_at=now)
    if post.state == Post.State.PUBLISHED:
        post.edited_at = now
    post.save()
    followups = (
        outbox.enqueue_followups(post=post, action=Delivery.Action.EDIT)
        if was == Post.State.PUBLISHED
        else 0
    )
    audit_record(
        actor=actor,
        action="post.edit",
        obj=post,
        data={"before": before, "after": texts, "channels_to_edit": followups, "state": post.state},
    )
    if was == Post.State.RETURNED:
        _notify(
            _leads_of(post.account),
            post=post,
            text=f"{actor.public_name} changed a returned post for {post.account.name}; it needs "
            "your approval.",
        )
    return post


def _remove(*, actor: Officer, post: Post, state: str, reason: str) -> int:
    now = outbox.clock()
    post.state = state
    post.removed_at = now
    post.removed_by = actor
    post.removal_reason = reason
    post.save()
    outbox.cancel_unsent(post=post)
    return outbox.enqueue_followups(post=post, action=Delivery.Action.DELETE)


@_permission_first("delete", lambda kw: kw["post"])
@transaction.atomic
def post_delete(*, actor: Officer, post: Post) -> Post:
    """The author deletes their post: gone from the hub at once, deleted on every network."""
    post = Post.objects.select_for_update().get(pk=post.pk)
    require(actor, "delete", post)
    was = post.state
    deletions = _remove(actor=actor, post=post, state=Post.State.DELETED, reason="")
    audit_record(
        actor=actor, action="post.delete", obj=post, data={"was": was, "deletions": deletions}
    )
    return post


@_permission_first("take_down", lambda kw: kw["post"])
@transaction.atomic
def post_take_down(*, actor: Officer, post: Post, reason: str) -> Post:
    """A team lead or comms removes a post, with a reason the author is told."""
    post = Post.objects.select_for_update().get(pk=post.pk)
    require(actor, "take_down", post)
    reason = " ".join(reason.split())
    if not reason:
        raise ValidationError("Give a reason: the author is told why their post was taken down.")
    was = post.state
    deletions = _remove(actor=actor, post=post, state=Post.State.TAKEN_DOWN, reason=reason[:500])
    audit_record(
        actor=actor,
        action="post.take_down",
        obj=post,
        reason=reason,
        data={"was": was, "deletions": deletions},
    )
    if post.author_id != actor.pk:
        _notify(
            [post.author],
            post=post,
            text=f"{actor.public_name} took down your post on {post.account.name}: {reason}",
        )
    return post


# --- approval --------------------------------------------------------------------------------


@_permission_first("approve", lambda kw: kw["post"])
@transaction.atomic
def post_approve(*, actor: Officer, post: Post) -> Post:
    """A team lead approves a post that was waiting; it goes out (or waits for its time)."""
    post = Post.objects.select_for_update().get(pk=post.pk)
    require(actor, "approve", post)
    if post.state != Post.State.PENDING_APPROVAL:
        raise ValidationError("This post is not waiting for approval any more.")
    if post.scheduled_for is not None and post.scheduled_for <= outbox.clock():
        post.scheduled_for = None
    post.state = Post.State.SCHEDULED
    post.reviewed_by = actor
    post.review_note = ""
    post.save()
    _queue(post)
    audit_record(actor=actor, action="post.approve", obj=post)
    _notify(
        [post.author],
        post=post,
        text=f"{actor.public_name} approved your post on {post.account.name}.",
    )
    return post


@_permission_first("approve", lambda kw: kw["post"])
@transaction.atomic
def post_return(*, actor: Officer, post: Post, reason: str) -> Post:
    """A team lead sends a post back to its author with what to change."""
    post = Post.objects.select_for_update().get(pk=post.pk)
    require(actor, "approve", post)
    reason = " ".join(reason.split())
    if not reason:
        raise ValidationError("Say what should change: the author sees your reason.")
    if post.state != Post.State.PENDING_APPROVAL:
        raise ValidationError("This post is not waiting for approval any more.")
    post.state = Post.State.RETURNED
    post.reviewed_by = actor
    post.review_note = reason[:500]
    post.save()
    audit_record(actor=actor, action="post.return", obj=post, reason=reason)
    _notify(
        [post.author],
        post=post,
        text=f"{actor.public_name} returned your post on {post.account.name}: {reason}",
    )
    return post


# --- stop publishing -------------------------------------------------------------------------


def _scope(force: Force, account: Account | None):
    deliveries = Delivery.objects.filter(force=force).exclude(action=Delivery.Action.REPLY)
    return deliveries.filter(channel__account=account) if account is not None else deliveries


@_permission_first("pause_publishing", lambda kw: kw.get("account") or kw["force"])
@transaction.atomic
def publishing_pause(
    *, actor: Officer, force: Force, reason: str, account: Account | None = None
) -> PublishingPause:
    """Stop every queued and scheduled post force-wide or on one account; nothing is lost and
    nothing goes out until publishing resumes. Replies to the public are not paused."""
    require(actor, "pause_publishing", account if account is not None else force)
    reason = " ".join(reason.split())
    if not reason:
        raise ValidationError("Give a reason for pausing: colleagues see it on the desk.")
    if PublishingPause.objects.filter(
        force=force, account=account, resumed_at__isnull=True
    ).exists():
        where = account.name if account else "the whole force"
        raise ValidationError(f"Publishing is already paused on {where}.")
    pause = PublishingPause.objects.create(
        force=force, account=account, reason=reason[:500], paused_by=actor
    )
    held = (
        _scope(force, account)
        .filter(state__in=outbox.PAUSABLE)
        .update(state=Delivery.State.PAUSED, updated_at=outbox.clock())
    )
    audit_record(
        actor=actor,
        action="publishing.pause",
        obj=account if account is not None else force,
        reason=reason,
        data={"deliveries_paused": held},
    )
    return pause


@_permission_first("pause_publishing", lambda kw: kw["pause"].account or kw["pause"].force)
@transaction.atomic
def publishing_resume(*, actor: Officer, pause: PublishingPause) -> PublishingPause:
    """Lift a pause; what waited goes out, except where another pause still covers it."""
    pause = PublishingPause.objects.select_for_update().get(pk=pause.pk)
    require(actor, "pause_publishing", pause.account if pause.account_id else pause.force)
    if pause.resumed_at is not None:
        raise ValidationError("Publishing has already been resumed.")
    pause.resumed_at = outbox.clock()
    pause.resumed_by = actor
    pause.save(update_fields=["resumed_at", "resumed_by"])
    remaining = outbox.active_pauses([pause.force_id])
    waiting = _scope(pause.force, pause.account).filter(state=Delivery.State.PAUSED)
    if (pause.force_id, None) in remaining:
        waiting = waiting.none()
    blocked_accounts = [account_id for _, account_id in remaining if account_id is not None]
    released = waiting.exclude(channel__account_id__in=blocked_accounts).update(
        state=Delivery.State.QUEUED, updated_at=outbox.clock()
    )
    audit_record(
        actor=actor,
        action="publishing.resume",
        obj=pause.account if pause.account_id else pause.force,
        data={"deliveries_released": released},
    )
    return pause


# --- held deliveries, notifications -------------------------------------------------------------


@_permission_first("confirm", lambda kw: kw["delivery"])
@transaction.atomic
def delivery_confirm(*, actor: Officer, delivery: Delivery, send: bool) -> Delivery:
    """Release a delivery held because it became stale (``send``), or cancel it."""
    delivery = Delivery.objects.select_for_update().get(pk=delivery.pk)
    require(actor, "confirm", delivery)
    if delivery.state != Delivery.State.HELD:
        raise ValidationError("This delivery is not waiting for confirmation.")
    now = outbox.clock()
    if send:
        delivery.state = Delivery.State.QUEUED
        delivery.stale_confirmed = True
        delivery.due_at = now
    else:
        delivery.state = Delivery.State.CANCELLED
    delivery.save(update_fields=["state", "stale_confirmed", "due_at", "updated_at"])
    audit_record(
        actor=actor,
        action="delivery.release" if send else "delivery.cancel",
        obj=delivery,
    )
    return delivery


def notifications_mark_read(*, actor: Officer) -> int:
    """Mark the officer's own notifications read (nothing to audit: it changes nobody's data)."""
    return Notification.objects.filter(officer=actor, read_at__isnull=True).update(
        read_at=timezone.now()
    )
