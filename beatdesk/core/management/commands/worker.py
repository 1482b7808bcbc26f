from __future__ import annotations

import signal
import threading

from django.conf import settings
from django.core.management.base import BaseCommand

from beatdesk.jobs.registry import run_due, worker_loop


class Command(BaseCommand):
    help = "Run the background worker: sends deliveries, polls networks, runs scheduled jobs."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run everything due once and exit.")
        parser.add_argument(
            "--poll", type=float, default=None, help="Idle poll interval in seconds."
        )

    def handle(self, *args, **options):
        if options["once"]:
            self.stdout.write(f"Advanced {run_due()} item(s).")
            return
        stop = threading.Event()

        def request_stop(signum, frame):
            stop.set()

        signal.signal(signal.SIGINT, request_stop)
        signal.signal(signal.SIGTERM, request_stop)
        worker_loop(stop=stop, poll_seconds=options["poll"] or settings.WORKER_POLL_SECONDS)
