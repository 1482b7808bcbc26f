from __future__ import annotations

from beatdesk.core.permissions import rule
from beatdesk.people.models import Officer


@rule("view", Officer)
def view_officer(actor: Officer, officer: Officer) -> bool:
    return True  # colleagues in the same force (the force boundary is checked first)


@rule("manage", Officer)
def manage_officer(actor: Officer, officer: Officer) -> bool:
    return actor.is_force_admin


@rule("edit_profile", Officer)
def edit_profile(actor: Officer, officer: Officer) -> bool:
    return actor.pk == officer.pk or actor.is_force_admin


@rule("manage_api_tokens", Officer)
def manage_api_tokens(actor: Officer, officer: Officer) -> bool:
    return actor.pk == officer.pk  # only for yourself: a token acts as you


@rule("revoke_api_token", Officer)
def revoke_api_token(actor: Officer, officer: Officer) -> bool:
    return actor.pk == officer.pk or actor.is_force_admin
