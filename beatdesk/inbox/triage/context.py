"""Build a force's triage context from the database.

The engine is pure Python; this is the only part that knows about Django, and it imports the
models inside the functions so ``import beatdesk.inbox.triage`` never needs Django set up.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import TYPE_CHECKING

from .types import ForceRule, TriageContext

if TYPE_CHECKING:
    from beatdesk.forces.models import Account, Force


# Surnames that are also everyday words: matched only with a rank or first name.
EVERYDAY_SURNAMES = frozenset(
    [
        "bell",
        "ward",
        "hart",
        "lowe",
        "price",
        "marsh",
        "reed",
        "wood",
        "hill",
        "green",
        "brown",
        "white",
        "black",
        "young",
        "king",
        "baker",
        "cook",
        "hall",
        "wall",
        "rose",
        "long",
        "short",
        "little",
        "bird",
        "fox",
        "lamb",
        "swan",
        "moss",
        "stone",
        "field",
        "brook",
        "banks",
        "bush",
        "booth",
        "carter",
        "mason",
        "miller",
        "turner",
        "walker",
        "parker",
        "hunter",
        "fisher",
        "butler",
        "page",
        "wells",
        "rich",
        "golden",
        "gold",
        "silver",
        "frost",
        "snow",
        "rain",
        "day",
        "love",
        "best",
        "hope",
        "joy",
        "sharp",
        "strong",
        "may",
        "case",
    ]
)


def force_context(*, force: Force, rules: Iterable[ForceRule] = ()) -> TriageContext:
    """The places, postcodes and officers of one force (no account), plus the given rules.

    ``rules`` is where a force's own keyword and place rules come in (for example from the desk's
    rule editor); they are passed through unchanged and applied in the order given.
    """
    from beatdesk.forces.models import District, Place, PostcodeDistrict
    from beatdesk.people.models import Membership

    places: dict[str, str] = {}
    for district in District.objects.filter(force=force).only("name", "slug"):
        places[district.name.lower()] = district.slug
    for place in Place.objects.filter(force=force).select_related("district"):
        places[place.name.lower()] = place.district.slug

    postcodes = {
        pc.code.upper(): pc.district.slug
        for pc in PostcodeDistrict.objects.filter(force=force).select_related("district")
    }

    # An officer counts only when they work in exactly one district; a surname shared by
    # officers of different districts is left out rather than guessed.
    districts_of: dict[int, set[str]] = {}
    officer_of: dict[int, object] = {}
    memberships = Membership.objects.filter(force=force, officer__is_active=True).select_related(
        "officer", "district"
    )
    for membership in memberships:
        districts_of.setdefault(membership.officer_id, set()).add(membership.district.slug)
        officer_of[membership.officer_id] = membership.officer
    candidates: dict[str, set[str]] = {}
    for officer_id, slugs in districts_of.items():
        if len(slugs) != 1:
            continue
        slug = next(iter(slugs))
        officer = officer_of[officer_id]
        for name in _officer_names(officer):
            candidates.setdefault(name, set()).add(slug)
    officers = {name: next(iter(slugs)) for name, slugs in candidates.items() if len(slugs) == 1}

    return TriageContext(places=places, postcodes=postcodes, officers=officers, rules=list(rules))


def account_districts(*, force: Force) -> dict[str, str | None]:
    """Each account's slug and the district it speaks for (None for the force account)."""
    from beatdesk.forces.models import Account
    from beatdesk.people.models import Membership

    result: dict[str, str | None] = {}
    for account in Account.objects.filter(force=force).select_related("district"):
        result[account.slug] = _account_district(account, Membership)
    return result


def account_context(
    *, account: Account, base: TriageContext | None = None, rules: Iterable[ForceRule] = ()
) -> TriageContext:
    """The context for a message sent to ``account``: its force's context plus its district."""
    from beatdesk.people.models import Membership

    base = base or force_context(force=account.force, rules=rules)
    return dataclasses.replace(base, account_district=_account_district(account, Membership))


def _account_district(account, membership_model) -> str | None:
    if account.district_id:
        return account.district.slug
    if account.officer_id:
        slugs = set(
            membership_model.objects.filter(officer_id=account.officer_id).values_list(
                "district__slug", flat=True
            )
        )
        if len(slugs) == 1:
            return slugs.pop()
    return None


def _officer_names(officer) -> set[str]:
    surname = officer.surname.strip().lower()
    first = officer.first_name.strip().lower()
    rank = (officer.rank or "").strip().lower()
    names = {f"{first} {surname}".strip(), officer.display_name.strip().lower()}
    if rank and rank != "staff":
        names |= {f"{rank} {surname}", f"{rank} {first} {surname}"}
    # A bare surname is a useful signal but only if it is not an everyday word ("Ward", "Bell").
    if len(surname) > 3 and surname not in EVERYDAY_SURNAMES:
        names.add(surname)
    if officer.collar_number:
        names.add(officer.collar_number.strip().lower())
        if rank and rank != "staff":
            names.add(f"{rank} {officer.collar_number.strip().lower()}")
    return {n for n in names if n}
