"""A cheap pre-check in front of each regular expression: the literal text it cannot match without.

Python's regex engine tries every branch of a long alternation at every word of a message; with
about a hundred signal patterns that costs more than a millisecond a message. Most patterns
cannot match unless one of a few literal strings is in the text ("stolen", "nicked", ...), and a
substring test is a hundred times cheaper than a regex scan. ``required_literals`` works that set
out from the pattern's parse tree (the approach of RE2's and Hyperscan's prefilters), so the
pre-check can never reject text the pattern would match: it is derived, not written by hand.

A long alternation has one way of matching per branch, and each way needs more than one
literal: "(?:fallen|fell) and can't get up" needs "fell" and "get" and "up". One literal from
each branch, pooled, lets a common word ("and", "the", "can") open the gate for a pattern that
cannot match; checked way by way (``ways``), the gate stays shut unless one branch has every
literal it needs. On tweets to airline accounts that cut the regex scans to about a third.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from itertools import chain
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


def _parse(pattern: str) -> list[tuple[Any, Any]] | None:
    """The pattern's parse tree as a list of (op, argument), or None without the parser."""
    if _parser is None:
        return None
    try:
        return list(_parser.parse(pattern))
    except Exception:  # pragma: no cover - compiled by ``re`` first, so it parses
        return None


def required_literals(pattern: str, min_literal: int = MIN_LITERAL) -> frozenset[str] | None:
    """Strings of which at least one occurs in any text the pattern matches, or None.

    None too when one of them is shorter than ``min_literal``.
    """
    tree = _parse(pattern)
    if tree is None:
        return None
    found = _sequence(tree)
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


# Beyond this many ways a pattern is checked as one: the pre-check would cost more than it saves.
MAX_WAYS = 300
# Literals in a tenth or more of messages (the labelled ones and tweets to airlines): poor keys.
# Which set keys a way only changes how fast the check is, never its answer.
COMMON = frozenset(
    [
        "the",
        "ing",
        "and",
        "you",
        "her",
        "for",
        "our",
        "one",
        "out",
        "ome",
        "ver",
        "ere",
        "all",
        "can",
        "with",
        "his",
        "not",
        "was",
        "here",
        "ill",
        "now",
        "are",
        "has",
        "some",
        "that",
        "your",
        "get",
        "just",
        "been",
    ]
)


def _rarity(literals: frozenset[str]) -> tuple[float, list[str]]:
    """How likely a message is to hold one of the literals, roughly: lower is more selective.

    A single character counts 1, two characters or a common word 1/2, three characters 1/4,
    and each character more halves it. The literals themselves break ties, so the order is
    always the same.
    """
    likely = sum(0.5 if len(s) == 2 or s in COMMON else 0.5 ** (len(s) - 1) for s in literals)
    return likely, sorted(literals)


def ways(pattern: str) -> list[tuple[frozenset[str], ...]] | None:
    """The ways the pattern can match, each as the literal sets it needs (one of each), or None.

    Top-level alternations (and those nested in their branches) are taken apart; a text the
    pattern matches holds, for at least one way, a literal of every one of that way's sets.
    Each way's sets come most selective first (``_rarity``). None when some way needs no literal.
    """
    tree = _parse(pattern)
    if tree is None:
        return None
    found: list[tuple[frozenset[str], ...]] = []
    for needs in _ways(tree):
        sets = {frozenset(literals) for literals in needs if len(literals) <= MAX_SET}
        if not sets:
            return None
        found.append(tuple(sorted(sets, key=_rarity)))
    return found


def _needs(items: list[tuple[Any, Any]]) -> list[set[str]]:
    """Every requirement of a sequence, where ``_sequence`` keeps only the most selective.

    Neighbouring parts that match one of a few exact strings are joined: "i'?m" needs "im" or
    "i'm", "t(?:elly|v)" needs "telly" or "tv", where one letter at a time would let nearly
    any message through.
    """
    needs: list[set[str]] = []
    joined: set[str] = {""}

    def flush() -> None:
        # A part that can match nothing at all ("") requires nothing.
        if "" not in joined:
            needs.append(_shortest(joined))

    for op, av in items:
        exact = _exact(op, av)
        if exact is not None:
            grown = {a + b for a in joined for b in exact}
            if len(grown) <= MAX_EXACT:
                joined = grown
            else:
                flush()
                joined = exact
            continue
        once = _repeated(op, av)
        if once is not None:
            # "f+u+c+k+": the first "u" follows the last "f", so "fu" is needed, and so on.
            grown = {a + b for a in joined for b in once}
            if len(grown) <= MAX_EXACT:
                joined = grown
            flush()
            joined = once
            continue
        flush()
        joined = {""}
        required = _element(op, av)
        if required:
            needs.append(required)
    flush()
    return needs


# Beyond this many strings a part is not worth spelling out.
MAX_EXACT = 64


def _exact(op: Any, av: Any) -> set[str] | None:
    """Every string the element can match, when there are at most ``MAX_EXACT``; else None."""
    if op is C.LITERAL:
        return {chr(av)}
    if op is C.AT or op in (C.ASSERT, C.ASSERT_NOT):
        return {""}  # anchors and look-arounds take no characters
    if op is C.IN:
        # A class of plain characters ("[,;]"); ranges, negations and \s or \w are not spelt out.
        if all(o is C.LITERAL for o, _a in av):
            return {chr(a) for _o, a in av}
        return None
    if op is C.SUBPATTERN:
        return _exact_sequence(list(av[-1]))
    if op is C.BRANCH:
        union: set[str] = set()
        for branch in av[1]:
            strings = _exact_sequence(list(branch))
            if strings is None:
                return None
            union |= strings
        return union if len(union) <= MAX_EXACT else None
    if op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
        low, high, sub = av
        if high == 1:
            strings = _exact_sequence(list(sub))
            if strings is None:
                return None
            return strings | {""} if low == 0 else strings
    return None


def _repeated(op: Any, av: Any) -> set[str] | None:
    """For a part repeated at least once, the exact strings of one repetition (if few)."""
    if op not in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT) or av[0] < 1:
        return None
    strings = _exact_sequence(list(av[2]))
    return strings if strings and "" not in strings else None


def _exact_sequence(items: list[tuple[Any, Any]]) -> set[str] | None:
    joined = {""}
    for op, av in items:
        exact = _exact(op, av)
        if exact is None:
            return None
        joined = {a + b for a in joined for b in exact}
        if len(joined) > MAX_EXACT:
            return None
    return joined


def _shortest(strings: set[str]) -> set[str]:
    """The strings that hold none of the others: a text holding "xy" holds "x"."""
    return {s for s in strings if not any(t != s and t in s for t in strings)}


def _branches(op: Any, av: Any) -> list[Any] | None:
    """The branches of an alternation, also inside a group (``(?:a|b)``); None for anything else."""
    if op is C.BRANCH:
        return av[1]
    if op is C.SUBPATTERN or op is C.ATOMIC_GROUP:
        inner = [(o, a) for o, a in (av[-1] if op is C.SUBPATTERN else av) if o is not C.AT]
        if len(inner) == 1:
            return _branches(*inner[0])
    return None


def _ways(items: list[tuple[Any, Any]]) -> list[list[set[str]]]:
    # The alternation with the most branches is taken apart; the rest of the sequence is
    # needed by every branch. One of a few exact strings ("t(?:elly|v)") is better joined to
    # its neighbours (``_needs``).
    widest: tuple[int, list[Any]] | None = None
    for k, (op, av) in enumerate(items):
        branches = _branches(op, av)
        if (
            branches is not None
            and (widest is None or len(branches) > len(widest[1]))
            and _exact(op, av) is None
        ):
            widest = (k, branches)
    if widest is None:
        return [_needs(items)]
    k, branches = widest
    around = _needs(items[:k]) + _needs(items[k + 1 :])
    found: list[list[set[str]]] = []
    for branch in branches:
        for needs in _ways(list(branch)):
            found.append(needs + around)
            if len(found) > MAX_WAYS:
                return [_needs(items)]
    return found


def _holds(rests: tuple[tuple[frozenset[str], ...], ...], text: str) -> bool:
    """Whether the text holds a literal of each set of one of the ways (their keys found).

    Plain loops, not ``all`` over a generator: this runs a few dozen times a message and most
    ways fail at their first set. ``map`` keeps the substring tests in C.
    """
    for rest in rests:
        for literals in rest:
            if not any(map(text.__contains__, literals)):
                break
        else:
            return True
    return False


class _KeyIndex:
    """The keys of every gated pattern, so that one scan of a text finds those it holds for all.

    The engine asks nearly every pattern about each message; one scan beats a hundred. A key
    can only be in the text if its first three characters are among the text's trigrams, and
    only those keys are looked for in full. Keys shorter than three characters ("jk", an
    emoji) are looked for directly, those that are not ASCII only in a text that is not.
    """

    def __init__(self) -> None:
        self._by_head: dict[str, tuple[str, ...]] = {}
        self._heads: frozenset[str] = frozenset()
        self._short: tuple[str, ...] = ()
        self._short_ascii: tuple[str, ...] = ()
        # The keys found in the last few texts: the engine asks about the same message (and
        # its masked copy) many times over.
        self._found: dict[str, frozenset[str]] = {}

    def add(self, keys: Iterable[str]) -> None:
        for key in keys:
            if len(key) < 3:
                if key not in self._short:
                    self._short += (key,)
            elif key not in self._by_head.get(key[:3], ()):
                self._by_head[key[:3]] = (*self._by_head.get(key[:3], ()), key)
        self._heads = frozenset(self._by_head)
        self._short_ascii = tuple(key for key in self._short if key.isascii())
        self._found = {}

    def found(self, text: str) -> frozenset[str]:
        """The keys in the text."""
        found = self._found.get(text)
        if found is None:
            if len(self._found) > 64:
                self._found = {}
            grams = {text[i : i + 3] for i in range(len(text) - 2)}
            # ``filter`` and ``chain`` keep the loop over candidate keys in C.
            candidates = chain.from_iterable(
                map(self._by_head.__getitem__, self._heads.intersection(grams))
            )
            short = self._short_ascii if text.isascii() else self._short
            found = frozenset(
                chain(filter(text.__contains__, candidates), filter(text.__contains__, short))
            )
            self._found[text] = found
        return found


KEYS = _KeyIndex()


class Gated:
    """A compiled pattern that skips the regex scan when no way of matching it can be there.

    Each way of matching (``ways``) is keyed by the literals of its most selective set; only a
    way whose key is in the text (``KEYS.found``) has the rest of its literals looked for.
    """

    __slots__ = ("_by_key", "_keys", "_last", "pattern", "regex", "ways")

    def __init__(self, regex: re.Pattern[str]) -> None:
        self.regex = regex
        self.pattern = regex.pattern
        self.ways = ways(regex.pattern)
        # For each key, the rest of each way it keys.
        self._by_key: dict[str, tuple[tuple[frozenset[str], ...], ...]] | None = None
        self._keys: frozenset[str] = frozenset()
        if self.ways:
            by_key: dict[str, list[tuple[frozenset[str], ...]]] = {}
            for keys, *rest in self.ways:
                for key in keys:
                    by_key.setdefault(key, []).append(tuple(rest))
            self._by_key = {key: tuple(rests) for key, rests in by_key.items()}
            self._keys = frozenset(by_key)
            KEYS.add(self._keys)
        # The last text searched from its start and what was found: the engine asks about the
        # same message several times (cue flags, the learned model's gate, each sentence).
        # One tuple, read and written whole, so threads never see another text's match.
        self._last: tuple[str, re.Match[str] | None] = ("", regex.search(""))

    def possible(self, text: str) -> bool:
        by_key = self._by_key
        if by_key is None:
            return True
        keys = self._keys.intersection(KEYS.found(text))
        # Most patterns have no key in a message: no generator for them.
        return bool(keys) and any(_holds(by_key[key], text) for key in keys)

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
    """Which of many gated patterns could match a text: those with a way of matching in it.

    One set intersection finds the patterns' keys in the text (``KEYS.found``); only the ways
    they key have the rest of their literals looked for.
    """

    def __init__(self, patterns: list[Gated]) -> None:
        self.count = len(patterns)
        self.always = [i for i, p in enumerate(patterns) if p._by_key is None]
        # For each key, the patterns it keys a way of, each with the rest of those ways.
        self.by_key: dict[str, list[tuple[int, tuple[tuple[frozenset[str], ...], ...]]]] = {}
        for i, p in enumerate(patterns):
            for key, rests in (p._by_key or {}).items():
                self.by_key.setdefault(key, []).append((i, rests))
        self.keys = frozenset(self.by_key)

    def candidates(self, text: str) -> list[int]:
        """Indexes (in the original order) of the patterns worth running on the text."""
        chosen = set(self.always)
        by_key = self.by_key
        for key in self.keys.intersection(KEYS.found(text)):
            for i, rests in by_key[key]:
                if i not in chosen and _holds(rests, text):
                    chosen.add(i)
        return sorted(chosen)

    def found(self, text: str) -> list[tuple[int, list[str] | None]]:
        """Like ``candidates``, each with its keys found in the text (None for a pattern without
        any), so a part of the text can be pre-checked with substring tests: a part the pattern
        matches holds the key of the way it matches by."""
        chosen: dict[int, list[str] | None] = dict.fromkeys(self.always)
        by_key = self.by_key
        for key in self.keys.intersection(KEYS.found(text)):
            for i, rests in by_key[key]:
                if _holds(rests, text):
                    chosen.setdefault(i, []).append(key)  # type: ignore[union-attr]
        return sorted(chosen.items())
