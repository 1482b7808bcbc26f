"""Reads for the public hub and the read API, always within one force, public posts only.

Lists are keyset-paged on (published_at, id), newest first: the cursor names the last post
shown, so page 500 costs what page 1 costs and a post published meanwhile never shifts a page.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from beatdesk.forces.models import Account, Channel, District, Force, Place, PostcodeDistrict
from beatdesk.people.models import Membership, Officer
from beatdesk.publishing.models import Post, PostImage, PostPart, Tag

PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


# --- Keyset paging ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    items: list
    next_cursor: str | None


def encode_cursor(post: Post) -> str:
    stamp = int(post.published_at.timestamp() * 1_000_000)
    return base64.urlsafe_b64encode(f"{stamp}.{post.pk}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> tuple[datetime, int] | None:
    """The (published_at, id) a cursor names; None for no cursor or one we did not make."""
    if not cursor or len(cursor) > 64:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        stamp, pk = raw.split(".")
        return datetime.fromtimestamp(int(stamp) / 1_000_000, tz=UTC), int(pk)
    except (ValueError, UnicodeDecodeError):
        return None


def public_posts(*, force: Force | int) -> QuerySet[Post]:
    """Every post the public may see in this force, with what a post card shows."""
    force_id = force if isinstance(force, int) else force.pk
    return (
        Post.objects.filter(
            force_id=force_id, state__in=Post.PUBLIC_STATES, published_at__isnull=False
        )
        .select_related("account", "account__district", "author")
        .prefetch_related(
            Prefetch(
                "parts",
                queryset=PostPart.objects.order_by("position").prefetch_related(
                    Prefetch("images", queryset=PostImage.objects.order_by("position"))
                ),
            ),
            Prefetch("tags", queryset=Tag.objects.order_by("name")),
        )
        .order_by("-published_at", "-id")
    )


def page_of(qs: QuerySet[Post], *, cursor: str | None, limit: int = PAGE_SIZE) -> Page:
    limit = max(1, min(limit, MAX_PAGE_SIZE))
    after = decode_cursor(cursor)
    if after is not None:
        when, pk = after
        qs = qs.filter(Q(published_at__lt=when) | Q(published_at=when, id__lt=pk))
    rows = list(qs[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return Page(items=rows, next_cursor=encode_cursor(rows[-1]) if more and rows else None)


# --- Posts by place, person and topic --------------------------------------------------------


def district_accounts(*, district: District) -> list[Account]:
    return list(
        Account.objects.filter(
            force_id=district.force_id, district=district, kind=Account.Kind.DISTRICT
        ).prefetch_related(Prefetch("channels", queryset=Channel.objects.order_by("network")))
    )


def posts_for_district(
    *, district: District, accounts: list[Account] | None = None, cursor=None, limit=PAGE_SIZE
) -> Page:
    """The district account's posts, newest first."""
    if accounts is None:
        accounts = district_accounts(district=district)
    qs = public_posts(force=district.force_id).filter(account__in=[a.pk for a in accounts])
    return page_of(qs, cursor=cursor, limit=limit)


def posts_for_officer(*, officer: Officer, cursor=None, limit=PAGE_SIZE) -> Page:
    """Every post the officer signed, on any account."""
    qs = public_posts(force=officer.force_id).filter(author=officer)
    return page_of(qs, cursor=cursor, limit=limit)


def posts_for_tag(*, tag: Tag, cursor=None, limit=PAGE_SIZE) -> Page:
    qs = public_posts(force=tag.force_id).filter(tags=tag)
    return page_of(qs, cursor=cursor, limit=limit)


def posts_latest(*, force: Force, cursor=None, limit=PAGE_SIZE) -> Page:
    return page_of(public_posts(force=force), cursor=cursor, limit=limit)


URGENT_PINNED_FOR = timedelta(days=3)


def posts_urgent(*, force: Force, limit: int = 3) -> list[Post]:
    """Urgent notices stay pinned for three days; after that they are ordinary posts."""
    since = timezone.now() - URGENT_PINNED_FOR
    return list(public_posts(force=force).filter(is_urgent=True, published_at__gte=since)[:limit])


def posts_filtered(
    *,
    force: Force,
    district: District | None = None,
    officer: Officer | None = None,
    tag: Tag | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    cursor: str | None = None,
    limit: int = PAGE_SIZE,
) -> Page:
    """The read API's post list: any combination of filters, keyset-paged."""
    qs = public_posts(force=force)
    if district is not None:
        qs = qs.filter(account__district=district, account__kind=Account.Kind.DISTRICT)
    if officer is not None:
        qs = qs.filter(author=officer)
    if tag is not None:
        qs = qs.filter(tags=tag)
    if since is not None:
        qs = qs.filter(published_at__gte=since)
    if until is not None:
        qs = qs.filter(published_at__lt=until)
    return page_of(qs, cursor=cursor, limit=limit)


def post_public(*, force: Force, post_id: int) -> Post | None:
    return public_posts(force=force).filter(pk=post_id).first()


# --- Things the pages are about --------------------------------------------------------------


def districts_for_hub(*, force: Force) -> list[District]:
    return list(
        District.objects.filter(force=force).prefetch_related(
            Prefetch("places", queryset=Place.objects.order_by("-is_main_town", "name")),
            Prefetch("postcodes", queryset=PostcodeDistrict.objects.order_by("code")),
        )
    )


def district_by_slug(*, force: Force, slug: str) -> District | None:
    return (
        District.objects.filter(force=force, slug=slug)
        .prefetch_related(
            Prefetch("places", queryset=Place.objects.order_by("-is_main_town", "name")),
            Prefetch("postcodes", queryset=PostcodeDistrict.objects.order_by("code")),
        )
        .first()
    )


def officers_for_hub(*, force: Force) -> QuerySet[Officer]:
    return Officer.objects.filter(force=force, is_active=True).order_by("surname", "first_name")


def officer_by_slug(*, force: Force, slug: str) -> Officer | None:
    # Officers who have left keep their page: their posts still link to it.
    return (
        Officer.objects.filter(force=force, slug=slug)
        .select_related("force")
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.select_related("district").order_by("district__name"),
            )
        )
        .first()
    )


def tag_by_slug(*, force: Force, slug: str) -> Tag | None:
    return Tag.objects.filter(force=force, slug=slug).first()


def tags_in_use(*, force: Force, limit: int = 30) -> list[Tag]:
    return list(
        Tag.objects.filter(force=force, posts__state__in=Post.PUBLIC_STATES)
        .distinct()
        .order_by("name")[:limit]
    )


# --- Find your area --------------------------------------------------------------------------

FULL_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][0-9A-Z]?)([0-9][A-Z]{2})$")
OUTWARD_CODE = re.compile(r"^[A-Z]{1,2}[0-9][0-9A-Z]?$")
POSTCODE_AREA = re.compile(r"^([A-Z]{1,2})[0-9]")


@dataclass(frozen=True)
class AreaResult:
    """What a search for an area found: one district, or a message and suggestions."""

    query: str
    district: District | None = None
    message: str = ""
    suggestions: tuple[District, ...] = ()
    places: tuple[Place, ...] = ()


def area_lookup(*, force: Force, query: str) -> AreaResult:
    """A postcode (full or outward, any spacing or case) or a town or village -> a district."""
    text = " ".join(query.split())[:100]
    if not text:
        return AreaResult(query=text, message="Enter a postcode, or the name of a town or village.")
    compact = re.sub(r"\s+", "", text).upper()
    full = FULL_POSTCODE.match(compact)
    outward = full.group(1) if full else (compact if OUTWARD_CODE.match(compact) else None)
    if outward:
        found = (
            PostcodeDistrict.objects.filter(force=force, code=outward)
            .select_related("district")
            .first()
        )
        if found:
            return AreaResult(query=text, district=found.district)
        area = POSTCODE_AREA.match(outward)
        nearby = (
            District.objects.filter(force=force, postcodes__code__startswith=area.group(1))
            .distinct()
            .order_by("name")
            if area
            else District.objects.none()
        )
        return AreaResult(
            query=text,
            message=(
                f"We could not find the postcode {outward} in {force.name}'s area. It may be "
                "covered by a neighbouring force. Check the postcode, or choose a district below."
            ),
            suggestions=tuple(nearby) or tuple(District.objects.filter(force=force)),
        )
    if not re.search(r"[A-Za-z]", text) or re.search(r"[^\w\s'.,-]", text):
        return AreaResult(
            query=text,
            message=(
                f"“{text}” does not look like a postcode or a place name. Try a postcode "
                "such as YO11 2AB, the first half such as YO11, or a town such as Whitby."
            ),
            suggestions=tuple(District.objects.filter(force=force)),
        )
    exact = list(
        Place.objects.filter(force=force, name__iexact=text).select_related("district")[:10]
    )
    if len(exact) == 1:
        return AreaResult(query=text, district=exact[0].district)
    if exact:
        return AreaResult(
            query=text,
            message=f"More than one district covers a place called {text}. Choose one:",
            places=tuple(exact),
        )
    district = District.objects.filter(force=force, name__iexact=text).first()
    if district:
        return AreaResult(query=text, district=district)
    partial = tuple(
        Place.objects.filter(force=force, name__icontains=text).select_related("district")[:10]
    )
    if partial:
        return AreaResult(
            query=text, message=f"We found these places matching “{text}”:", places=partial
        )
    return AreaResult(
        query=text,
        message=(
            f"We could not find a town or village called “{text}” in {force.name}'s area. "
            "Check the spelling, try your postcode, or choose a district below."
        ),
        suggestions=tuple(District.objects.filter(force=force)),
    )


# --- Full-text search ------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchPage:
    items: list[Post]
    has_more: bool


def posts_search(
    *,
    force: Force,
    text: str,
    district: District | None = None,
    officer: Officer | None = None,
    tag: Tag | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = PAGE_SIZE,
    offset: int = 0,
) -> SearchPage:
    """Public posts matching the words, best first (``hub/search.py``), for the hub and the API.

    Brings the index up to date first when posts changed since it last caught up (a little of
    it: the ``hub.search_sync`` job does the rest).
    """
    from beatdesk.hub.cache import force_version
    from beatdesk.hub.search import SearchFilters, search_post_ids, sync_index

    fv = force_version(force.slug)
    sync_index(force.pk, through=fv.version if fv else None, max_batches=2)
    account_ids = None
    if district is not None:
        account_ids = tuple(a.pk for a in district_accounts(district=district))
    hits = search_post_ids(
        force_id=force.pk,
        text=text,
        filters=SearchFilters(
            account_ids=account_ids,
            author_id=officer.pk if officer else None,
            tag_id=tag.pk if tag else None,
            since=since,
            until=until,
        ),
        limit=max(1, min(limit, MAX_PAGE_SIZE)),
        offset=max(0, offset),
    )
    by_id = {p.pk: p for p in public_posts(force=force).filter(pk__in=hits.post_ids)}
    return SearchPage(
        items=[by_id[pk] for pk in hits.post_ids if pk in by_id], has_more=hits.has_more
    )
