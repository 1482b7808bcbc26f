from __future__ import annotations

from beatdesk.core.permissions import rule
from beatdesk.forces.models import Force
from beatdesk.people.models import Officer


@rule("subject_access", Force)
def subject_access(actor: Officer, force: Force) -> bool:
    """Answering a subject access request exports personal data: force admins only."""
    return actor.is_force_admin


@rule("legal_hold", Force)
def legal_hold(actor: Officer, force: Force) -> bool:
    return actor.is_force_admin
