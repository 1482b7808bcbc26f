"""The outbox runner: the worker calls it every loop (see ``outbox.run_outbox``)."""

from __future__ import annotations

from beatdesk.jobs.registry import job
from beatdesk.publishing.outbox import run_outbox


@job("publishing.outbox")
def send_due_deliveries() -> int:
    return run_outbox()
