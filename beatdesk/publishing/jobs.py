"""The outbox runner: the worker calls it every loop (see ``outbox.run_outbox``); and the
health check that says whether it keeps up."""

from __future__ import annotations

from datetime import datetime

from beatdesk.jobs.health import Check, backlog_check, health_check
from beatdesk.jobs.registry import job
from beatdesk.publishing.outbox import run_outbox
from beatdesk.publishing.selectors import deliveries_overdue


@job("publishing.outbox")
def send_due_deliveries() -> int:
    return run_outbox()


@health_check("outbox")
def outbox_moving(now: datetime) -> Check:
    """Fails when deliveries due minutes ago are still waiting for a worker to send them."""
    return backlog_check(
        "outbox",
        deliveries_overdue(force_id=None, now=now),
        now,
        figure="overdue",
        calm="Nothing due to be sent has waited.",
        failing=lambda count, waited: (
            f"{count} deliver{'ies' if count != 1 else 'y'} (posts or replies) due {waited} ago "
            "and not sent: is a worker running and keeping up?"
        ),
    )
