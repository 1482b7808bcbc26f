from __future__ import annotations

import signal
import threading

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Run Beatdesk with demo data on SQLite: web server and worker in one process."

    def add_arguments(self, parser):
        parser.add_argument(
            "--data-dir", help="Where the database and media live (default ./beatdesk-data)."
        )
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--reset", action="store_true", help="Delete the demo database first.")
        parser.add_argument(
            "--no-serve", action="store_true", help="Prepare the data folder and exit."
        )

    def handle(self, *args, **options):
        from beatdesk.core.demo import DEMO_PASSWORD, demo_loaded, demo_logins, load_demo

        db = settings.DATABASES["default"]
        if options["reset"]:
            from pathlib import Path

            from django.db import connections

            if connections["default"].vendor != "sqlite":
                raise CommandError("--reset only deletes the embedded SQLite database.")
            connections.close_all()
            for suffix in ("", "-wal", "-shm", ".writer"):
                Path(str(db["NAME"]) + suffix).unlink(missing_ok=True)
            self.stdout.write("Removed the demo database; starting afresh.")
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        if demo_loaded():
            self.stdout.write("Demo data already loaded; keeping it (use --reset to start afresh).")
        else:
            forces = load_demo()
            self.stdout.write(f"Loaded demo forces: {', '.join(f.name for f in forces)}.")
        base = f"http://{options['host']}:{options['port']}"
        self.stdout.write("")
        self.stdout.write(f"Data folder: {settings.DATA_DIR}")
        self.stdout.write(f"Staff desk:  {base}/desk/")
        self.stdout.write(
            f"Public hub:  {base}/north-yorkshire/  (second force: {base}/riverford/)"
        )
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, role, force in demo_logins():
            self.stdout.write(f"  {username:<18} {role} - {force}")
        if options["no_serve"]:
            return
        self.stdout.write("Press Ctrl-C to stop.")
        self.serve(options["host"], options["port"])

    def serve(self, host: str, port: int) -> None:
        import uvicorn

        from beatdesk.jobs.registry import worker_loop

        stop = threading.Event()
        worker = threading.Thread(
            target=worker_loop,
            kwargs={"stop": stop, "poll_seconds": settings.WORKER_POLL_SECONDS},
            name="beatdesk-worker",
            daemon=True,
        )
        worker.start()
        config = uvicorn.Config(
            "beatdesk.asgi:application", host=host, port=port, log_level="warning", lifespan="off"
        )
        server = uvicorn.Server(config)
        try:
            server.run()
        except KeyboardInterrupt:
            pass  # uvicorn has already shut down gracefully; Ctrl-C is the normal way out
        finally:
            stop.set()
            worker.join(timeout=10)
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            self.stdout.write("Stopped the web server and the worker.")
