"""A cheap pre-check in front of each regular expression: the literal text it cannot match without.

Python's regex engine tries every branch of a long alternation at every word of a message; with
about a hundred signal patterns that costs more than a millisecond a message. Most patterns
cannot match unless one of a few literal strings is in the text ("stolen", "nicked", ...), and a
substring test is a hundred times cheaper than a regex scan. ``required_literals`` works that set
out from the pattern's parse tree (the approach of RE2's and Hyperscan's prefilters), so the
pre-check can never reject text the pattern would match: it is derived, not written by hand.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

try:  # The parser is internal to ``re``; without it every pattern simply runs unfiltered.
    from re import _constants as C  # type: ignore[attr-defined]
    from re import _parser  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover
    _parser = None
    C = None

# A set of literals is only worth checking when each is at least this long.
MIN_LITERAL = 3
MAX_SET = 400


def required_literals(pattern: str) -> frozenset[str] | None:
    """Strings of which at least one occurs in any text the pattern matches, or None."""
    if _parser is None:
        return None
    try:
        tree = _parser.parse(pattern)
    except Exception:  # pragma: no cover - compiled by ``re`` first, so it parses
        return None
    found = _sequence(list(tree))
    if not found or len(found) > MAX_SET or min(len(s) for s in found) < MIN_LITERAL:
        return None
    return frozenset(found)


def _score(candidate: set[str]) -> tuple[int, int]:
    return (min(len(s) for s in candidate), -len(candidate))


def _sequence(items: list[tuple[Any, Any]]) -> set[str] | None:
    """Every element of a sequence must match, so the most selective requirement will do."""
    candidates: list[set[str]] = []
    run: list[str] = []

    def flush() -> None:
        if run:
            candidates.append({"".join(run)})
            run.clear()

    for op, av in items:
        if op is C.LITERAL:
            run.append(chr(av))
            continue
        if op is C.AT or op in (C.ASSERT, C.ASSERT_NOT):
            # Anchors and look-arounds take no characters: the literal run goes on across them.
            continue
        flush()
        required = _element(op, av)
        if required:
            candidates.append(required)
    flush()
    if not candidates:
        return None
    return max(candidates, key=_score)


def _element(op: Any, av: Any) -> set[str] | None:
    if op is C.SUBPATTERN:
        return _sequence(list(av[-1]))
    if op is C.ATOMIC_GROUP:
        return _sequence(list(av))
    if op is C.BRANCH:
        union: set[str] = set()
        for branch in av[1]:
            required = _sequence(list(branch))
            if not required:
                return None
            union |= required
        return union
    if op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
        low, _high, sub = av
        return _sequence(list(sub)) if low >= 1 else None
    return None


_GRAMS: dict[str, frozenset[str]] = {}


def trigrams(text: str) -> frozenset[str]:
    """Every three-character substring of the text (cached for the few texts in flight)."""
    grams = _GRAMS.get(text)
    if grams is None:
        if len(_GRAMS) > 64:
            _GRAMS.clear()
        grams = _GRAMS[text] = frozenset(text[i : i + 3] for i in range(len(text) - 2))
    return grams


class Gated:
    """A compiled pattern that skips the regex scan when its required literals cannot be there.

    The check is one set operation: a required literal can only be in the text if its first
    three characters are among the text's trigrams.
    """

    __slots__ = ("_heads", "literals", "pattern", "regex")

    def __init__(self, regex: re.Pattern[str]) -> None:
        self.regex = regex
        self.pattern = regex.pattern
        self.literals = required_literals(regex.pattern)
        self._heads = frozenset(lit[:3] for lit in self.literals) if self.literals else None

    def possible(self, text: str) -> bool:
        return self._heads is None or not self._heads.isdisjoint(trigrams(text))

    def search(self, text: str, *args: int) -> re.Match[str] | None:
        return self.regex.search(text, *args) if self.possible(text) else None

    def finditer(self, text: str, *args: int) -> Iterator[re.Match[str]]:
        return self.regex.finditer(text, *args) if self.possible(text) else iter(())

    def findall(self, text: str) -> list[Any]:
        return self.regex.findall(text) if self.possible(text) else []

    def sub(self, repl: Any, text: str) -> str:
        return self.regex.sub(repl, text) if self.possible(text) else text


class GateIndex:
    """Which of many gated patterns could match a text, in one set intersection."""

    def __init__(self, patterns: list[Gated]) -> None:
        self.count = len(patterns)
        self.always = [i for i, p in enumerate(patterns) if p._heads is None]
        self.by_head: dict[str, list[int]] = {}
        for i, p in enumerate(patterns):
            for head in p._heads or ():
                self.by_head.setdefault(head, []).append(i)
        self.heads = frozenset(self.by_head)

    def candidates(self, text: str) -> list[int]:
        """Indexes (in the original order) of the patterns worth running on the text."""
        chosen = set(self.always)
        for head in self.heads.intersection(trigrams(text)):
            chosen.update(self.by_head[head])
        return sorted(chosen)
