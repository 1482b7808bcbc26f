from __future__ import annotations

from beatdesk.core.permissions import rule
from beatdesk.forces.models import Account, Channel, District, Force
from beatdesk.people.models import Officer
from beatdesk.people.selectors import is_lead, is_member


@rule("use_desk", Force)
def use_desk(actor: Officer, force: Force) -> bool:
    return True


@rule("view_all", Force)
def view_all(actor: Officer, force: Force) -> bool:
    """The force-wide view of every account and inbox."""
    return actor.is_comms


@rule("configure", Force)
def configure_force(actor: Officer, force: Force) -> bool:
    return actor.is_force_admin


@rule("view_audit", Force)
def view_audit(actor: Officer, force: Force) -> bool:
    return actor.is_force_admin


@rule("pause_publishing", Force)
def pause_force(actor: Officer, force: Force) -> bool:
    return actor.is_comms


@rule("view", District)
def view_district(actor: Officer, district: District) -> bool:
    return actor.is_comms or is_member(actor, district.pk)


@rule("manage", District)
def manage_district(actor: Officer, district: District) -> bool:
    return actor.is_comms or is_lead(actor, district.pk)


@rule("post", Account)
def post_on_account(actor: Officer, account: Account) -> bool:
    if not account.is_active:
        return False
    if account.kind == Account.Kind.FORCE:
        return actor.is_comms
    if account.kind == Account.Kind.DISTRICT:
        return actor.is_comms or is_member(actor, account.district_id)
    return account.officer_id == actor.pk


@rule("view", Account)
def view_account(actor: Officer, account: Account) -> bool:
    if actor.is_comms:
        return True
    if account.kind == Account.Kind.DISTRICT:
        return is_member(actor, account.district_id)
    if account.kind == Account.Kind.INDIVIDUAL:
        return account.officer_id == actor.pk or is_lead_of_any(actor, account)
    return False


def is_lead_of_any(actor: Officer, account: Account) -> bool:
    owner = account.officer
    if owner is None:
        return False
    from beatdesk.people.selectors import district_roles

    owner_districts = set(district_roles(owner))
    return any(is_lead(actor, district_id) for district_id in owner_districts)


@rule("manage", Account)
def manage_account(actor: Officer, account: Account) -> bool:
    """Leads run their district's account (take posts down, assign work); comms run all."""
    if actor.is_comms:
        return True
    if account.kind == Account.Kind.DISTRICT:
        return is_lead(actor, account.district_id)
    if account.kind == Account.Kind.INDIVIDUAL:
        return is_lead_of_any(actor, account)
    return False


@rule("connect", Channel)
def connect_channel(actor: Officer, channel: Channel) -> bool:
    return actor.is_force_admin
