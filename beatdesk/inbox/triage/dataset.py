"""The labelled police inbox messages and their fixed development / held-out split.

``data/police_messages.jsonl`` holds one message a line: ``text``, ``category`` and optionally
``priority``, ``district`` (a district of the demo North Yorkshire force, when the text names a
place, postcode or officer) and ``notes``. The team wrote every message; none is copied from a
real inbox.

The split is by a hash of the text, so it never changes when lines are added or reordered and a
message cannot move between parts: a message is held out when the first eight hex digits of the
SHA-256 of its UTF-8 text, as a number, leave a remainder below 3 when divided by 10 (about 30%).
Tune only on the development part; the held-out part is what the tests and the benchmark judge.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
POLICE_MESSAGES = DATA_DIR / "police_messages.jsonl"
HELD_OUT_BUCKETS = 3  # of 10


@dataclass(frozen=True)
class Example:
    text: str
    category: str
    priority: str | None = None
    district: str | None = None
    notes: str | None = None


def is_held_out(text: str) -> bool:
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return int(digest[:8], 16) % 10 < HELD_OUT_BUCKETS


def load(path: Path = POLICE_MESSAGES) -> list[Example]:
    examples = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                row = json.loads(line)
                examples.append(
                    Example(
                        text=row["text"],
                        category=row["category"],
                        priority=row.get("priority"),
                        district=row.get("district"),
                        notes=row.get("notes"),
                    )
                )
    return examples


def development(path: Path = POLICE_MESSAGES) -> list[Example]:
    return [e for e in load(path) if not is_held_out(e.text)]


def held_out(path: Path = POLICE_MESSAGES) -> list[Example]:
    return [e for e in load(path) if is_held_out(e.text)]
