"""Writes about forces, policies, accounts and channels."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from beatdesk.audit.services import audit_record
from beatdesk.core.permissions import require
from beatdesk.forces.models import Account, Channel, Force, Policy
from beatdesk.people import signatures
from beatdesk.people.models import Officer

POLICY_FIELDS = {
    "account_model", "signature_template", "time_zone", "office_hours", "emergency_phone",
    "non_emergency_phone", "online_reporting_url", "emergency_guidance", "auto_emergency_reply",
    "response_targets", "stale_after_minutes", "retention_days", "require_two_factor",
}  # fmt: skip


@transaction.atomic
def policy_update(*, actor: Officer, force: Force, **changes) -> Policy:
    """Change a force's policy; only a force admin may, and only listed fields change."""
    require(actor, "configure", force)
    unknown = set(changes) - POLICY_FIELDS
    if unknown:
        raise ValidationError(f"These policy fields do not exist: {', '.join(sorted(unknown))}.")
    policy = force.policy
    if "signature_template" in changes:
        signatures.validate_template(changes["signature_template"])
    before = {key: getattr(policy, key) for key in changes}
    for key, value in changes.items():
        setattr(policy, key, value)
    policy.full_clean()
    policy.save()
    audit_record(
        actor=actor,
        action="policy.update",
        obj=force,
        data={"changed": {k: [before[k], changes[k]] for k in changes if before[k] != changes[k]}},
    )
    return policy


@transaction.atomic
def account_create_individual(
    *, actor: Officer | None, officer: Officer, name: str = "", networks: tuple[str, ...] = ("hub",)
) -> Account:
    """Open an officer's own account, where the force's policy allows individual accounts."""
    force = officer.force
    if actor is not None:
        require(actor, "configure", force)
    if not force.policy.allows_individual_accounts:
        raise ValidationError(
            f"{force.name}'s policy allows district accounts only; individual officer accounts "
            "are switched off."
        )
    slug = slugify(f"{officer.first_name}-{officer.surname}-{officer.collar_number}")[:60]
    if Account.objects.filter(force=force, slug=slug).exists():
        raise ValidationError(f"{officer.public_name} already has an account.")
    account = Account.objects.create(
        force=force,
        kind=Account.Kind.INDIVIDUAL,
        slug=slug,
        name=name or officer.public_name,
        officer=officer,
        bio=officer.bio,
    )
    for network in dict.fromkeys(("hub", *networks)):
        Channel.objects.create(force=force, account=account, network=network, handle=slug)
    audit_record(actor=actor, action="account.create", obj=account, data={"kind": "individual"})
    return account


@transaction.atomic
def channel_set_state(
    *, actor: Officer | None, channel: Channel, state: str, reason: str = ""
) -> Channel:
    """Mark a channel active, needing reconnection, or disabled."""
    if actor is not None:
        require(actor, "connect", channel)
    if state not in Channel.State.values:
        raise ValidationError(f"Unknown channel state {state!r}.")
    previous = channel.state
    channel.state = state
    channel.state_reason = reason[:300]
    channel.save(update_fields=["state", "state_reason"])
    audit_record(
        actor=actor,
        action="channel.state",
        obj=channel,
        data={"from": previous, "to": state},
        reason=reason,
    )
    return channel
