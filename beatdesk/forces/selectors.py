"""Reads about forces, districts and accounts, always within one force."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from beatdesk.core.permissions import can
from beatdesk.forces.models import Account, Channel, District, Force
from beatdesk.people.models import Officer


def force_by_slug(slug: str) -> Force | None:
    return Force.objects.select_related("policy").filter(slug=slug, is_active=True).first()


def active_forces() -> QuerySet[Force]:
    return Force.objects.filter(is_active=True)


def districts_of_force(*, force: Force) -> QuerySet[District]:
    return District.objects.filter(force=force).prefetch_related("places", "postcodes")


def accounts_of_force(*, force: Force) -> QuerySet[Account]:
    return (
        Account.objects.filter(force=force, is_active=True)
        .select_related("district", "officer")
        .prefetch_related(Prefetch("channels", queryset=Channel.objects.order_by("network")))
    )


def accounts_postable_by(*, officer: Officer) -> list[Account]:
    """The accounts this officer may post on, force account first, then districts, then own."""
    return [
        account
        for account in accounts_of_force(force=officer.force)
        if can(officer, "post", account)
    ]


def districts_of_officer(*, officer: Officer) -> QuerySet[District]:
    if officer.is_comms:
        return District.objects.filter(force_id=officer.force_id)
    return District.objects.filter(memberships__officer=officer)
