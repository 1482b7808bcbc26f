"""How fast the hash-chained audit trail appends and verifies.

Run: BEATDESK_DEBUG=true BEATDESK_DATA_DIR=/tmp/bench-audit .venv/bin/python bench/audit_chain.py
(add BEATDESK_DATABASE_URL=postgres://... for PostgreSQL). Uses its own data folder; writes
N events for one force, each in its own transaction as a service would, then verifies.
"""

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "beatdesk.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

N = int(os.environ.get("BENCH_EVENTS", "2000"))


def main() -> None:
    call_command("migrate", interactive=False, verbosity=0)
    from beatdesk.audit.chain import verify_chains
    from beatdesk.audit.services import audit_record
    from beatdesk.forces.models import Force

    force, _ = Force.objects.get_or_create(slug="bench-audit", defaults={"name": "Bench"})
    started = time.perf_counter()
    for i in range(N):
        with transaction.atomic():
            audit_record(
                actor=None, action="bench.event", obj=force, data={"i": i, "text": "x" * 80}
            )
    append_s = time.perf_counter() - started
    started = time.perf_counter()
    report = verify_chains(f"force:{force.pk}")
    verify_s = time.perf_counter() - started
    print(f"database: {connection.vendor}")
    print(f"appended {N} events in {append_s:.2f} s ({N / append_s:.0f} per second)")
    print(
        f"verified {report.events} events in {verify_s:.2f} s ({report.events / verify_s:.0f} per second); ok={report.ok}"
    )
    print(
        f"RESULT vendor={connection.vendor} events={N} append_per_s={N / append_s:.0f} "
        f"verify_per_s={report.events / verify_s:.0f} ok={report.ok}"
    )


if __name__ == "__main__":
    main()
