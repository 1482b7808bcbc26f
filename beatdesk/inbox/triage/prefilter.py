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


def required_literals(pattern: str, min_literal: int = MIN_LITERAL) -> frozenset[str] | None:
    """Strings of which at least one occurs in any text the pattern matches, or None.

    None too when one of them is shorter than ``min_literal``.
    """
    if _parser is None:
        return None
    try:
        tree = _parser.parse(pattern)
    except Exception:  # pragma: no cover - compiled by ``re`` first, so it parses
        return None
    found = _sequence(list(tree))
    if not found or len(found) > MAX_SET or min(len(s) for s in found) < max(1, min_literal):
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

    The check is a set operation and a few substring tests: a required literal can only be in
    the text if its first three characters are among the text's trigrams, and only those
    literals are then looked for in full. Literals shorter than three characters ("jk", an
    emoji) are looked for directly.
    """

    __slots__ = ("_by_head", "_heads", "_last", "_short", "literals", "pattern", "regex")

    def __init__(self, regex: re.Pattern[str]) -> None:
        self.regex = regex
        self.pattern = regex.pattern
        self.literals = required_literals(regex.pattern, min_literal=1)
        self._by_head: dict[str, tuple[str, ...]] = {}
        self._heads: frozenset[str] | None = None
        self._short: tuple[str, ...] = ()
        if self.literals:
            by_head: dict[str, list[str]] = {}
            for lit in sorted(self.literals):
                if len(lit) < 3:
                    self._short += (lit,)
                else:
                    by_head.setdefault(lit[:3], []).append(lit)
            self._by_head = {head: tuple(lits) for head, lits in by_head.items()}
            self._heads = frozenset(by_head)
        # The last text searched from its start and what was found: the engine asks about the
        # same message several times (cue flags, the learned model's gate, each sentence).
        # One tuple, read and written whole, so threads never see another text's match.
        self._last: tuple[str, re.Match[str] | None] = ("", regex.search(""))

    def possible(self, text: str) -> bool:
        if self._heads is None:
            return True
        for lit in self._short:
            if lit in text:
                return True
        by_head = self._by_head
        for head in self._heads.intersection(trigrams(text)):
            for lit in by_head[head]:
                if lit in text:
                    return True
        return False

    def search(self, text: str, *args: int) -> re.Match[str] | None:
        if args:
            return self.regex.search(text, *args) if self.possible(text) else None
        last = self._last
        if last[0] == text:
            return last[1]
        match = self.regex.search(text) if self.possible(text) else None
        self._last = (text, match)
        return match

    def search_part(self, part: str) -> re.Match[str] | None:
        """``regex.search(part)`` for a part of a text already pre-checked, remembered the same way."""
        last = self._last
        if last[0] == part:
            return last[1]
        match = self.regex.search(part)
        self._last = (part, match)
        return match

    def finditer(self, text: str, *args: int) -> Iterator[re.Match[str]]:
        return self.regex.finditer(text, *args) if self.possible(text) else iter(())

    def findall(self, text: str) -> list[Any]:
        return self.regex.findall(text) if self.possible(text) else []

    def sub(self, repl: Any, text: str) -> str:
        return self.regex.sub(repl, text) if self.possible(text) else text


class GateIndex:
    """Which of many gated patterns could match a text: the ones with a required literal in it.

    One set intersection finds the literals whose first three characters are in the text; only
    those are looked for in full, so a pattern is run only when a literal it needs is there.
    """

    def __init__(self, patterns: list[Gated]) -> None:
        self.count = len(patterns)
        self.always = [i for i, p in enumerate(patterns) if p._heads is None]
        # Literals too short for the trigram index, looked for directly.
        self.short = [(i, lit) for i, p in enumerate(patterns) for lit in p._short]
        # For each head, the (pattern, literal) pairs it starts.
        self.by_head: dict[str, list[tuple[int, str]]] = {}
        for i, p in enumerate(patterns):
            for head, lits in p._by_head.items():
                self.by_head.setdefault(head, []).extend((i, lit) for lit in lits)
        self.heads = frozenset(self.by_head)

    def candidates(self, text: str) -> list[int]:
        """Indexes (in the original order) of the patterns worth running on the text."""
        chosen = set(self.always)
        chosen.update(i for i, lit in self.short if lit in text)
        by_head = self.by_head
        for head in self.heads.intersection(trigrams(text)):
            for i, lit in by_head[head]:
                if i not in chosen and lit in text:
                    chosen.add(i)
        return sorted(chosen)

    def found(self, text: str) -> list[tuple[int, list[str] | None]]:
        """Like ``candidates``, each with the required literals found in the text (None for a
        pattern without any), so a part of the text can be pre-checked with substring tests."""
        chosen: dict[int, list[str] | None] = dict.fromkeys(self.always)
        for i, lit in self.short:
            if lit in text:
                chosen.setdefault(i, []).append(lit)  # type: ignore[union-attr]
        by_head = self.by_head
        for head in self.heads.intersection(trigrams(text)):
            for i, lit in by_head[head]:
                if lit in text:
                    chosen.setdefault(i, []).append(lit)  # type: ignore[union-attr]
        return sorted(chosen.items())
