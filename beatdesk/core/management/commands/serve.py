from __future__ import annotations

import multiprocessing

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the production web server (gunicorn). Run `beatdesk worker` beside it."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=multiprocessing.cpu_count() * 2 + 1)
        parser.add_argument("--threads", type=int, default=1)
        parser.add_argument(
            "--forwarded-allow-ips",
            default="127.0.0.1",
            help="Addresses of the reverse proxy whose X-Forwarded-* headers are trusted.",
        )

    def handle(self, *args, **options):
        from gunicorn.app.base import BaseApplication

        from beatdesk.wsgi import application

        class Server(BaseApplication):
            def load_config(self):
                self.cfg.set("bind", f"{options['host']}:{options['port']}")
                self.cfg.set("workers", options["workers"])
                self.cfg.set("threads", options["threads"])
                self.cfg.set("worker_class", "gthread" if options["threads"] > 1 else "sync")
                self.cfg.set("forwarded_allow_ips", options["forwarded_allow_ips"])
                self.cfg.set("accesslog", None)
                self.cfg.set("keepalive", 5)

            def load(self):
                return application

        Server().run()
