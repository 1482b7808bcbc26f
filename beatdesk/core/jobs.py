"""The retention job: each force's old public data is deleted or anonymised once a day."""

from __future__ import annotations

from beatdesk.core.dataprotection import retention_apply
from beatdesk.jobs.registry import job


@job("retention", every=60 * 60)
def retention() -> int:
    from beatdesk.forces.models import Force

    total = 0
    for force in Force.objects.filter(is_active=True).select_related("policy"):
        total += retention_apply(force=force).total
    return total
