"""Refuses passwords known from breaches, offline.

The list (``data/breached-passwords.txt.gz``) is the 30,000 most frequent passwords of a public
corpus of ten million leaked credentials, as shipped by zxcvbn; ``scripts/build-breached-passwords``
rebuilds it. Django's CommonPasswordValidator adds its own 20,000. No password is sent anywhere,
so the check is smaller than an online breach service (see docs/decisions/0061-passwords.md).
"""

from __future__ import annotations

import gzip
import re
from functools import cache
from pathlib import Path

from django.core.exceptions import ValidationError

LIST_PATH = Path(__file__).resolve().parent / "data" / "breached-passwords.txt.gz"
# A breached password with digits or symbols stuck on the end is still a breached password.
_TRAILING = re.compile(r"[\d\W_]+$")


@cache
def breached_passwords() -> frozenset[str]:
    with gzip.open(LIST_PATH, "rt", encoding="utf-8") as handle:
        return frozenset(line.strip() for line in handle if line.strip())


def _candidates(password: str) -> set[str]:
    lowered = password.lower().strip()
    found = {lowered}
    stem = _TRAILING.sub("", lowered)
    if len(stem) >= 4:
        found.add(stem)
    # "dragondragon" repeats one breached word.
    for size in range(4, len(lowered) // 2 + 1):
        if len(lowered) % size == 0 and lowered[:size] * (len(lowered) // size) == lowered:
            found.add(lowered[:size])
            break
    return found


class BreachedPasswordValidator:
    """Refuse a password that appears, or is a trivial variant of one that appears, in breaches."""

    def validate(self, password: str, user=None) -> None:
        if _candidates(password) & breached_passwords():
            raise ValidationError(
                "This password has appeared in data breaches, so attackers try it first. "
                "Choose another: three or four unrelated words make a strong one.",
                code="password_breached",
            )

    def get_help_text(self) -> str:
        return "Your password cannot be one that has appeared in known data breaches."
