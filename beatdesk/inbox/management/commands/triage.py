"""``beatdesk triage [--force SLUG] [FILE]``: triage messages from a file or standard input.

Each line is a message: plain text, or a JSON object with ``text`` and optional ``id``,
``channel``, ``kind`` and ``account``. One JSON line is printed per message, in order:
``{"id": ..., "category": ..., "priority": ..., "district": ..., "reasons": [...]}``. A plain
line, or a JSON line without ``id``, gets its line number as the id. A line that cannot be read
is reported on standard error with its line number; the others are still triaged, and the
command exits non-zero. With ``--force``, the force's places, postcodes, officers and accounts
decide the district, so a force can test its setup and rules before it goes live.
"""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path
from typing import TextIO

from django.core.management.base import BaseCommand, CommandError

from beatdesk.inbox.triage import TriageContext, classify


class Command(BaseCommand):
    help = "Triage messages (plain lines or JSON lines) and print one JSON result per message."

    def add_arguments(self, parser):
        parser.add_argument(
            "file",
            nargs="?",
            type=Path,
            help="A file of messages, one a line; standard input when left out or '-'.",
        )
        parser.add_argument(
            "--force",
            metavar="SLUG",
            help="Use this force's places, postcodes, officers and accounts to find districts.",
        )

    def handle(self, *args, **options):
        base, accounts = self._context(options.get("force"))
        path: Path | None = options.get("file")
        if path is None or str(path) == "-":
            failures = self._run(sys.stdin, base, accounts)
        else:
            try:
                handle = path.open(encoding="utf-8")
            except OSError as exc:
                raise CommandError(f"Cannot read {path}: {exc.strerror or exc}.") from exc
            with handle:
                failures = self._run(handle, base, accounts)
        if failures:
            noun = "line" if failures == 1 else "lines"
            raise CommandError(f"{failures} {noun} could not be triaged (see the errors above).")

    def _context(self, slug: str | None) -> tuple[TriageContext | None, dict[str, str | None]]:
        if not slug:
            return None, {}
        from beatdesk.forces.models import Force
        from beatdesk.inbox.triage.context import account_districts, force_context

        force = Force.objects.filter(slug=slug).first()
        if force is None:
            known = ", ".join(Force.objects.order_by("slug").values_list("slug", flat=True))
            raise CommandError(f"There is no force {slug!r}. Known forces: {known or 'none'}.")
        return force_context(force=force), account_districts(force=force)

    def _run(
        self,
        lines: TextIO,
        base: TriageContext | None,
        accounts: dict[str, str | None],
    ) -> int:
        failures = 0
        contexts: dict[str | None, TriageContext | None] = {None: base}
        for number, raw in enumerate(lines, start=1):
            line = raw.rstrip("\r\n")
            if not line.strip():
                continue
            try:
                message = self._parse(line, number)
                account = message.get("account")
                if base is not None and account is not None and account not in accounts:
                    raise ValueError(f"account {account!r} is not an account of this force")
            except ValueError as exc:
                failures += 1
                self.stderr.write(f"line {number}: {exc}")
                continue
            context = base
            if base is not None and account is not None:
                if account not in contexts:
                    contexts[account] = dataclasses.replace(
                        base, account_district=accounts[account]
                    )
                context = contexts[account]
            result = classify(message["text"], context)
            out = {"id": message.get("id", number), **result.as_dict()}
            self.stdout.write(json.dumps(out, ensure_ascii=False))
        return failures

    @staticmethod
    def _parse(line: str, number: int) -> dict:
        if not line.lstrip().startswith("{"):
            return {"text": line}
        try:
            message = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ValueError(f"not valid JSON ({exc.msg} at column {exc.colno})") from None
        text = message.get("text")
        if not isinstance(text, str) or not text.strip():
            raise ValueError("the JSON object has no 'text' (a non-empty string)")
        account = message.get("account")
        if account is not None and not isinstance(account, str):
            raise ValueError("'account' must be an account slug (a string)")
        return message
