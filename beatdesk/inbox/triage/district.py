"""Which district a message belongs to: postcodes, place names and officers it mentions.

Matchers are compiled once per force context and cached, so a desk that triages a burst of
messages pays for the compilation once.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from dataclasses import dataclass

from .types import TriageContext

# Run on normalised (lower-case) text.
FULL_POSTCODE = re.compile(r"\b([a-z]{1,2}[0-9][0-9a-z]?)\s*([0-9][a-z]{2})\b")
OUTWARD_CODE = re.compile(r"\b([a-z]{1,2}[0-9][0-9a-z]?)\b")
# Every postcode has a digit: a message without one needs neither scan.
DIGIT = re.compile(r"[0-9]")


def phrase_pattern(phrase: str) -> str:
    """A phrase as a regex: any spacing or hyphen between words, apostrophes optional."""
    words = re.split(r"[\s\-]+", phrase.strip().lower().replace("\u2019", "'"))
    parts = []
    for word in words:
        escaped = re.escape(word).replace("'", "'?").replace(r"\*", r"\w*")
        parts.append(escaped)
    return r"[\s\-]+".join(parts)


def alternation(phrases: list[str]) -> re.Pattern[str] | None:
    if not phrases:
        return None
    ordered = sorted(set(phrases), key=lambda p: (-len(p), p))
    body = "|".join(f"(?:{phrase_pattern(p)})" for p in ordered)
    return re.compile(rf"(?<![\w'])(?:{body})(?![\w])")


@dataclass(frozen=True)
class DistrictIndex:
    places: re.Pattern[str] | None
    place_lookup: dict[str, str]
    officers: re.Pattern[str] | None
    officer_lookup: dict[str, str]
    postcodes: dict[str, str]


def _key(text: str) -> str:
    plain = text.lower().replace("\u2019", "").replace("'", "")
    return re.sub(r"[\s\-]+", " ", plain).strip()


# Keyed by the identity of the context's dicts, which the cache holds on to so an id is never
# reused while its entry lives; ``dataclasses.replace(context, account_district=...)`` keeps the
# dicts, so one force's matchers are compiled once however many accounts it triages for.
_INDEX_CACHE: OrderedDict[tuple[int, int, int], tuple[object, DistrictIndex]] = OrderedDict()
_CACHE_SIZE = 64


def index_for(context: TriageContext) -> DistrictIndex:
    key = (id(context.places), id(context.officers), id(context.postcodes))
    cached = _INDEX_CACHE.get(key)
    if cached is not None:
        _INDEX_CACHE.move_to_end(key)
        return cached[1]
    place_lookup = {_key(name): slug for name, slug in context.places.items() if name.strip()}
    officer_lookup = {_key(name): slug for name, slug in context.officers.items() if name.strip()}
    index = DistrictIndex(
        places=alternation([n for n in context.places if n.strip()]),
        place_lookup=place_lookup,
        officers=alternation([n for n in context.officers if n.strip()]),
        officer_lookup=officer_lookup,
        postcodes={code.replace(" ", "").upper(): slug for code, slug in context.postcodes.items()},
    )
    _INDEX_CACHE[key] = ((context.places, context.officers, context.postcodes), index)
    if len(_INDEX_CACHE) > _CACHE_SIZE:
        _INDEX_CACHE.popitem(last=False)
    return index


def find_postcode(text: str, postcodes: dict[str, str]) -> tuple[str, str] | None:
    """The first postcode (full or outward code) whose district the force knows."""
    if not postcodes or not DIGIT.search(text):
        return None
    for match in FULL_POSTCODE.finditer(text):
        code = match.group(1).upper()
        if code in postcodes:
            return code, postcodes[code]
    for match in OUTWARD_CODE.finditer(text):
        code = match.group(1).upper()
        if code in postcodes:
            return code, postcodes[code]
    return None


def find_place(text: str, index: DistrictIndex) -> tuple[tuple[int, int], str] | None:
    if index.places is None:
        return None
    match = index.places.search(text)
    if match is None:
        return None
    slug = index.place_lookup.get(_key(match.group(0)))
    return (match.span(), slug) if slug else None


def find_officer(text: str, index: DistrictIndex) -> tuple[tuple[int, int], str] | None:
    if index.officers is None:
        return None
    match = index.officers.search(text)
    if match is None:
        return None
    slug = index.officer_lookup.get(_key(match.group(0)))
    return (match.span(), slug) if slug else None
