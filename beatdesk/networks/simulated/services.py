"""Writes about the simulated network: only its failure switch."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from beatdesk.audit.services import audit_record
from beatdesk.core.permissions import require
from beatdesk.forces.models import Force
from beatdesk.networks.simulated.models import SimulatedMode
from beatdesk.networks.simulated.transport import set_mode
from beatdesk.people.models import Officer


@transaction.atomic
def simulated_mode_set(
    *,
    actor: Officer,
    force: Force,
    mode: str,
    failure_percent: int = 50,
    retry_after_seconds: int = 30,
) -> SimulatedMode:
    """Tell the force's simulated network how to behave from now on."""
    require(actor, "test_networks", force)
    if mode not in SimulatedMode.Mode.values:
        raise ValidationError(f"Unknown simulated network behaviour {mode!r}.")
    if not 0 <= failure_percent <= 100:
        raise ValidationError("The share of failing requests is a percentage from 0 to 100.")
    if not 1 <= retry_after_seconds <= 3600:
        raise ValidationError("Retry-After must be between 1 second and an hour.")
    row = set_mode(
        force_id=force.pk,
        mode=mode,
        failure_percent=failure_percent,
        retry_after_seconds=retry_after_seconds,
    )
    audit_record(actor=actor, action="simulated.mode", obj=force, data={"mode": mode})
    return row
