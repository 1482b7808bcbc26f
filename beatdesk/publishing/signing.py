"""Where the signature goes in a post, and how long that makes each part per network.

Every part of a thread is signed, not only the last: networks show parts on their own (in
search, in quotes, in a reply chain), and each must say which officer wrote it.
"""

from __future__ import annotations

from collections.abc import Sequence

from beatdesk.people.signatures import sign


def signed_parts(texts: Sequence[str], signature: str) -> list[str]:
    """The parts as the public will read them: each with the signature on its own line."""
    return [sign(text, None, signature=signature) for text in texts]  # type: ignore[arg-type]


def length_problems(texts: Sequence[str], signature: str, channels) -> list[str]:
    """Messages for every part that is too long on any of the channels, signature included."""
    from beatdesk.networks.text import check_text

    problems: list[str] = []
    signed = signed_parts(texts, signature)
    for number, text in enumerate(signed, start=1):
        for message in check_text(text, channels):
            problems.append(f"Part {number}: {message}" if len(signed) > 1 else message)
    return problems
