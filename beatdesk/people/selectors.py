"""Reads about officers that several views share."""

from __future__ import annotations

from django.db.models import QuerySet

from beatdesk.people.models import Membership, Officer


def district_roles(officer: Officer) -> dict[int, str]:
    """{district id: role} for the officer, cached on the instance for the request."""
    cached = getattr(officer, "_district_roles", None)
    if cached is None:
        cached = dict(Membership.objects.filter(officer=officer).values_list("district_id", "role"))
        officer._district_roles = cached
    return cached


def forget_cached_roles(officer: Officer) -> None:
    officer.__dict__.pop("_district_roles", None)


def is_member(officer: Officer, district_id: int | None) -> bool:
    return district_id is not None and district_id in district_roles(officer)


def is_lead(officer: Officer, district_id: int | None) -> bool:
    return district_roles(officer).get(district_id) == Membership.Role.LEAD


def officers_of_force(*, force_id: int, active_only: bool = True) -> QuerySet[Officer]:
    qs = Officer.objects.filter(force_id=force_id).select_related("user")
    return qs.filter(is_active=True) if active_only else qs


def team_of_district(*, district_id: int) -> QuerySet[Officer]:
    return (
        Officer.objects.filter(memberships__district_id=district_id, is_active=True)
        .select_related("user")
        .order_by("surname", "first_name")
    )
