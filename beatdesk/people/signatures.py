"""Officers' signatures: the force's template rendered with the officer's details.

Templates use the placeholders below, e.g. ``^{initials}`` or ``- {rank} {surname} {collar}``.
"""

from __future__ import annotations

import string
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError

if TYPE_CHECKING:
    from beatdesk.people.models import Officer

PLACEHOLDERS = ("initials", "first_name", "surname", "display_name", "rank", "collar")
MAX_SIGNATURE_LENGTH = 40


def validate_template(template: str) -> None:
    """Refuse templates with unknown placeholders or broken braces, naming the problem."""
    if not template.strip():
        raise ValidationError("The signature template is empty.")
    try:
        fields = [name for _, name, _, _ in string.Formatter().parse(template) if name is not None]
    except ValueError as exc:
        raise ValidationError(f"The signature template has unbalanced braces: {exc}.") from exc
    unknown = sorted({f for f in fields if f not in PLACEHOLDERS})
    if unknown:
        raise ValidationError(
            f"Unknown placeholder(s) {', '.join('{' + u + '}' for u in unknown)} in the signature "
            f"template; use {', '.join('{' + p + '}' for p in PLACEHOLDERS)}."
        )
    if not fields:
        raise ValidationError("The signature template must name the officer, e.g. ^{initials}.")


def _values(officer: Officer) -> dict[str, str]:
    return {
        "initials": officer.initials,
        "first_name": officer.first_name,
        "surname": officer.surname,
        "display_name": officer.display_name,
        "rank": officer.rank,
        "collar": officer.collar_number,
    }


def render_template(template: str, officer: Officer) -> str:
    return " ".join(template.format(**_values(officer)).split())


def validate_override(override: str, officer: Officer) -> None:
    """An override may restyle the signature but must still say who the officer is."""
    text = override.strip()
    if len(text) > MAX_SIGNATURE_LENGTH:
        raise ValidationError(
            f"A signature can be at most {MAX_SIGNATURE_LENGTH} characters; this one is {len(text)}."
        )
    identifying = [officer.surname, officer.initials, officer.collar_number, officer.first_name]
    lowered = text.lower()
    if not any(token and token.lower() in lowered for token in identifying):
        raise ValidationError(
            "A signature must still identify you: include your surname, initials or collar number."
        )


def signature_for(officer: Officer) -> str:
    """The text appended to every post and reply this officer writes."""
    if officer.signature_override.strip():
        return officer.signature_override.strip()
    return render_template(officer.force.policy.signature_template, officer)


def sign(text: str, officer: Officer, *, signature: str | None = None) -> str:
    """Append the signature on its own line, as the public will read it."""
    sig = signature if signature is not None else signature_for(officer)
    return f"{text.rstrip()}\n{sig}" if sig else text.rstrip()
