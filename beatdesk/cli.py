"""The ``beatdesk`` command: ``demo``, ``serve``, ``worker``, ``force import``, ``triage`` and
every Django management command (``beatdesk migrate``, ``beatdesk check --deploy`` ...)."""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path


def _option(argv: list[str], name: str) -> str | None:
    for i, arg in enumerate(argv):
        if arg == name and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith(name + "="):
            return arg.split("=", 1)[1]
    return None


def prepare_demo_environment(argv: list[str]) -> None:
    """The demo runs without any configuration: a data folder and a key of its own."""
    data_dir = Path(
        _option(argv, "--data-dir") or os.environ.get("BEATDESK_DATA_DIR") or "beatdesk-data"
    ).resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    os.environ["BEATDESK_DATA_DIR"] = str(data_dir)
    if not os.environ.get("BEATDESK_SECRET_KEY"):
        key_file = data_dir / "secret.key"
        if not key_file.exists():
            key_file.write_text(secrets.token_urlsafe(50))
            key_file.chmod(0o600)
        os.environ["BEATDESK_SECRET_KEY"] = key_file.read_text().strip()
    os.environ.setdefault("BEATDESK_HTTPS", "false")
    host = _option(argv, "--host") or "127.0.0.1"
    hosts = {"127.0.0.1", "localhost", "[::1]", host}
    os.environ.setdefault("BEATDESK_ALLOWED_HOSTS", ",".join(sorted(hosts)))


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "beatdesk.settings")
    if len(argv) > 1 and argv[1] == "demo":
        prepare_demo_environment(argv[2:])
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(argv)
    except ImproperlyConfigured as exc:
        # A configuration mistake deserves a sentence, not a traceback.
        print(f"beatdesk: {exc}", file=sys.stderr)
        raise SystemExit(2) from None


if __name__ == "__main__":
    main()
