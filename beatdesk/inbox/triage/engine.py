"""The triage engine: category, priority, district and the reasons, from a message's text.

Emergencies first, because missing one is the costly mistake. The engine looks for signals of
danger now (a weapon, a threat, someone hurt, an intruder, self-harm, a vulnerable person missing,
someone being followed), then asks whether each is real and current: inside an idiom ("this
traffic is killing me"), a joke, a story or question ("what should I do if..."), negated ("he
hasn't got a knife") or in the past ("last week my car was broken into"). A strong signal that
survives is enough; a weak one needs a sign that it is happening now, or a second signal.
Everything else is scored by category signals; spam is decided before anything else because spam
copies alarming words to get attention.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import signals as sig
from .district import find_officer, find_place, find_postcode, index_for, phrase_pattern
from .prefilter import Gated, GateIndex
from .types import CATEGORIES, ForceRule, TriageContext, TriageResult

DEFAULT_PRIORITY = {
    "emergency": "urgent",
    "crime_report": "normal",
    "question": "normal",
    "complaint": "normal",
    "abuse": "normal",
    "praise": "low",
    "feedback": "low",
    "spam": "low",
    "other": "low",
}
# When two categories score the same, the one that needs more care wins.
TIE_ORDER = {c: i for i, c in enumerate(CATEGORIES)}
TIE_ORDER.update({"crime_report": 0, "abuse": 1, "complaint": 2, "question": 3})

SENTENCE = re.compile(r"[^.!?\n;]+[.!?;]*|[.!?;]+")
LABEL_ORDER = ("self-harm", "weapon", "threat to life", "someone is hurt")
EMPTY_CONTEXT = TriageContext()
EMERGENCY_INDEX = GateIndex([signal.pattern for signal in sig.EMERGENCY])
CATEGORY_INDEX = GateIndex([pattern for _c, _l, pattern, _w in sig.CATEGORY_SIGNALS])


@dataclass
class Hit:
    label: str
    snippet: str
    tier: int  # sig.STRONG, sig.WEAK or sig.SUPPORTING
    start: int = 0
    end: int = 0


@dataclass
class Danger:
    """What the emergency pass found: signals that stand, and those it set aside (and why)."""

    hits: list[Hit]
    # Set aside because they were in the past or negated: still a sign that a crime happened.
    set_aside: list[Hit]
    notes: list[str]
    masked: str


URGENT = re.compile(r"\b(?:right now|now|quick(?:ly)?|hurry|asap|urgent(?:ly)?)\b|!{2,}")
CLAUSE_BREAK = re.compile(r"[,;:]|\b(?:but|and then|so)\b")


def _quote(original: str, start: int, end: int) -> str:
    snippet = " ".join(original[start:end].split())
    return snippet if len(snippet) <= 80 else snippet[:77] + "..."


def _words(match: re.Match[str] | None) -> str:
    return " ".join(match.group(0).split()) if match else ""


def _mask(text: str, pattern: Gated) -> tuple[str, list[str]]:
    """Blank out the pattern's matches, keeping positions; return what was blanked."""
    found: list[str] = []

    def blank(match: re.Match[str]) -> str:
        found.append(match.group(0))
        return " " * len(match.group(0))

    return pattern.sub(blank, text), found


def _rule_regex(rule: ForceRule) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w']){phrase_pattern(rule.pattern)}(?![\w])")


_RULE_CACHE: dict[str, re.Pattern[str]] = {}


def _rule_matches(rule: ForceRule, text: str) -> re.Match[str] | None:
    pattern = _RULE_CACHE.get(rule.pattern)
    if pattern is None:
        if len(_RULE_CACHE) > 5000:
            _RULE_CACHE.clear()
        pattern = _RULE_CACHE[rule.pattern] = _rule_regex(rule)
    return pattern.search(text)


def _clause(text: str, start: int, end: int) -> str:
    """The clause around a match: from the last comma-like break before it to the next after."""
    left = 0
    for brk in CLAUSE_BREAK.finditer(text, 0, start):
        left = brk.end()
    nxt = CLAUSE_BREAK.search(text, end)
    return text[left : nxt.start() if nxt else len(text)]


def _danger(original: str, text: str) -> Danger:
    """Signals of danger now that survive the checks for idiom, joke, story, negation and past."""
    hits: list[Hit] = []
    set_aside: list[Hit] = []
    notes: list[str] = []
    masked, idioms = _mask(text, sig.FIGURATIVE)
    if idioms:
        notes.append(f"not an emergency: figure of speech — '{' '.join(idioms[0].split())}'")
    # Only the signals whose literals are in the message need a look, sentence by sentence.
    candidates = [sig.EMERGENCY[i] for i in EMERGENCY_INDEX.candidates(masked)]
    joke = sig.JOKE.search(text) if candidates else None
    calm = sig.NOT_EMERGENCY.search(masked) if candidates else None
    sentences = list(SENTENCE.finditer(masked)) if candidates else []
    for sentence in sentences:
        s_text = sentence.group(0)
        s_start = sentence.start()
        found = [
            (signal, match)
            for signal in candidates
            for match in signal.pattern.regex.finditer(s_text)
        ]
        if not found:
            continue
        future = sig.FUTURE.search(s_text)
        context = {
            "story": sig.STORY.search(s_text),
            "hearsay": sig.HEARSAY.search(s_text),
            "past": sig.PAST.search(s_text) or future,
            "long_past": sig.LONG_PAST.search(s_text),
            "now": sig.NOW_STRONG.search(s_text),
            "joke": joke,
            "calm": calm,
            "idiom": bool(idioms),
        }
        for signal, match in found:
            start, end = s_start + match.start(), s_start + match.end()
            hit = Hit(signal.label, _quote(original, start, end), signal.tier, start, end)
            why = _set_aside_because(signal, s_text, match, **context)
            if why is None:
                hits.append(hit)
                continue
            notes.append(why)
            if why.startswith(("not an emergency: in the past", "not an emergency: negated")):
                set_aside.append(hit)
    missing = _missing_person(original, text, masked, notes)
    if missing:
        hits.append(missing)
    return Danger(hits, set_aside, notes, masked)


def _set_aside_because(
    signal: sig.Signal,
    s_text: str,
    match: re.Match[str],
    *,
    story: re.Match[str] | None,
    hearsay: re.Match[str] | None,
    past: re.Match[str] | None,
    long_past: re.Match[str] | None,
    now: re.Match[str] | None,
    joke: re.Match[str] | None,
    calm: re.Match[str] | None,
    idiom: bool,
) -> str | None:
    """Why a danger signal does not count, or None when it stands."""
    snippet = " ".join(match.group(0).split())
    self_harm = signal.label == "self-harm"
    if sig.NEGATION.search(s_text[: match.start()]):
        return f"not an emergency: negated — '{snippet}'"
    conditional = sig.CONDITIONAL.search(_clause(s_text, match.start(), match.end()))
    if conditional:
        return f"not an emergency: a question or hypothetical — '{_words(conditional)}'"
    if story:
        return f"not an emergency: about a story, show or campaign — '{_words(story)}'"
    if hearsay and not self_harm:
        return f"not an emergency: hearsay — '{_words(hearsay)}'"
    if joke and not (self_harm and not idiom):
        return f"not an emergency: joking — '{joke.group(0)}'"
    if calm and not self_harm:
        return f"not an emergency: writer says so — '{_words(calm)}'"
    now_outside = now and not (match.start() <= now.start() < match.end())
    if signal.past == "any" and past and not now_outside:
        return f"not an emergency: in the past — '{_words(past)}'"
    if long_past and not now_outside:
        return f"not an emergency: in the past — '{_words(long_past)}'"
    return None


def _missing_person(original: str, text: str, masked: str, notes: list[str]) -> Hit | None:
    if sig.FOUND.search(text):
        return None
    for sentence in SENTENCE.finditer(masked):
        s_text = sentence.group(0)
        match = sig.MISSING.search(s_text)
        if not match:
            continue
        if sig.NEGATION.search(s_text[: match.start()]) and not re.search(
            r"not|n't|never|no one|nobody|no-one|no idea", match.group(0)
        ):
            continue
        if sig.CONDITIONAL.search(s_text) or sig.STORY.search(s_text):
            continue
        # "my dog has gone missing", "the parcel never came": the thing comes just before.
        thing = sig.MISSING_NOT_PERSON.search(s_text, max(0, match.start() - 30), match.end())
        if thing and not re.search(sig.KIN, s_text[max(0, match.start() - 30) : match.end()]):
            continue
        if sig.LONG_PAST.search(s_text) and not sig.NOW_STRONG.search(s_text):
            continue
        why = sig.VULNERABLE.search(masked) or sig.NOW_STRONG.search(s_text)
        start = sentence.start() + match.start()
        snippet = _quote(original, start, sentence.start() + match.end())
        if why is None:
            notes.append(f"missing person, no sign of risk yet — '{snippet}'")
            return None
        return Hit("vulnerable person missing", f"{snippet}' + '{_words(why)}", sig.STRONG, start)
    return None


def _is_emergency(hits: list[Hit], text: str) -> bool:
    if any(h.tier == sig.STRONG for h in hits):
        return True
    weak = [h for h in hits if h.tier == sig.WEAK]
    distinct = {h.snippet for h in hits}
    if weak:
        if len(distinct) >= 2:
            return True
        # A sign of "now" that is not part of the signal itself.
        return any(not (h.start <= m.start() < h.end) for h in weak for m in sig.NOW.finditer(text))
    if hits:
        return len(distinct) >= 2 or any(
            not (h.start <= m.start() < h.end) for h in hits for m in URGENT.finditer(text)
        )
    return False


def _spam(text: str) -> tuple[float, list[str]]:
    score = 0.0
    reasons: list[str] = []
    for label, pattern in sig.SPAM:
        matches = pattern.findall(text)
        if matches:
            first = matches[0] if isinstance(matches[0], str) else matches[0][0]
            score += 1.0 + 0.5 * min(len(matches) - 1, 2)
            reasons.append(f"spam: {label} — '{' '.join(first.split())}'")
    if sig.URL.search(text):
        score += 1.0
        reasons.append("spam: contains a link")
    if sig.SPAM_EMOJI.search(text):
        score += 0.5
    return score, reasons


def _categories(original: str, text: str) -> tuple[dict[str, float], dict[str, str]]:
    scores: dict[str, float] = {}
    first: dict[str, str] = {}
    for i in CATEGORY_INDEX.candidates(text):
        category, _label, pattern, weight = sig.CATEGORY_SIGNALS[i]
        matches = list(pattern.regex.finditer(text))
        if not matches:
            continue
        scores[category] = scores.get(category, 0.0) + weight * min(len(matches), 3)
        first.setdefault(category, _quote(original, matches[0].start(), matches[0].end()))
    return scores, first


def classify(text: str, context: TriageContext | None = None) -> TriageResult:
    """Triage one message: category, priority, district and the reasons staff see."""
    context = context or EMPTY_CONTEXT
    original = text or ""
    norm = sig.normalise(original)
    reasons: list[str] = []
    notes: list[str] = []

    spam_score, spam_reasons = _spam(norm)
    category: str
    priority: str | None = None
    if spam_score >= 2.0:
        category = "spam"
        reasons.extend(spam_reasons)
    else:
        danger = _danger(original, norm)
        hits = danger.hits
        notes = danger.notes
        if _is_emergency(hits, norm):
            category = "emergency"
            hits.sort(key=lambda h: (-h.tier, _label_rank(h.label)))
            seen: set[str] = set()
            for hit in hits:
                if hit.label in seen:
                    continue
                seen.add(hit.label)
                reasons.append(f"emergency: {hit.label} — '{hit.snippet}'")
            now = sig.NOW.search(norm)
            if now and not any(h.tier == 2 for h in hits):
                reasons.append(f"emergency: happening now — '{' '.join(now.group(0).split())}'")
        else:
            category, priority = _other_category(original, danger, reasons)
            reasons.extend(dict.fromkeys(notes))
    priority = priority or DEFAULT_PRIORITY[category]

    district, district_reason = _district(original, norm, context)
    category, priority, district = _apply_rules(
        norm, context.rules, category, priority, district, reasons
    )
    if district_reason and not any(r.startswith("district: force rule") for r in reasons):
        reasons.append(district_reason)
    return TriageResult(category=category, priority=priority, district=district, reasons=reasons)


def _label_rank(label: str) -> int:
    return LABEL_ORDER.index(label) if label in LABEL_ORDER else len(LABEL_ORDER)


def _other_category(original: str, danger: Danger, reasons: list[str]) -> tuple[str, str | None]:
    text = danger.masked
    hits = danger.hits + danger.set_aside
    scores, first = _categories(original, text)
    labels = {c: lbl for c, lbl, _p, _w in sig.CATEGORY_SIGNALS}
    # A danger signal that did not amount to an emergency still says "something happened".
    if hits:
        scores["crime_report"] = scores.get("crime_report", 0.0) + 1.0
        first.setdefault("crime_report", hits[0].snippet)
    # Thanks at the end of a question is politeness, not praise.
    if "praise" in scores and "question" in scores:
        scores["praise"] -= 1.5
    if not scores or max(scores.values()) <= 0:
        reasons.append("other: no category signal")
        return "other", None
    category = max(scores, key=lambda c: (scores[c], -TIE_ORDER[c]))
    if scores[category] <= 0:
        reasons.append("other: no category signal")
        return "other", None
    reasons.append(f"{category.replace('_', ' ')}: {labels[category]} — '{first[category]}'")
    priority = None
    if category == "crime_report":
        serious = sig.SERIOUS.search(text)
        if serious:
            priority = "high"
            reasons.append(f"priority high: serious crime — '{serious.group(0)}'")
    elif category == "abuse":
        threat = sig.OFFICER_THREAT.search(text)
        if threat:
            priority = "high"
            reasons.append(f"priority high: threat to staff — '{threat.group(0)}'")
    return category, priority


def _district(original: str, text: str, context: TriageContext) -> tuple[str | None, str | None]:
    index = index_for(context)
    postcode = find_postcode(text, index.postcodes)
    if postcode:
        return postcode[1], f"district: postcode {postcode[0]} → {postcode[1]}"
    place = find_place(text, index)
    if place:
        return place[1], f"district: place '{_quote(original, *place[0])}' → {place[1]}"
    officer = find_officer(text, index)
    if officer:
        return officer[1], f"district: officer '{_quote(original, *officer[0])}' → {officer[1]}"
    if context.account_district:
        return context.account_district, f"district: account addressed → {context.account_district}"
    return None, None


def _apply_rules(
    text: str,
    rules: list[ForceRule],
    category: str,
    priority: str,
    district: str | None,
    reasons: list[str],
) -> tuple[str, str, str | None]:
    """Force rules: the first matching rule sets each field. They never hide an emergency."""
    set_category = set_priority = set_district = False
    for rule in rules:
        match = _rule_matches(rule, text)
        if match is None:
            continue
        reasons.append(f"force rule: {rule.kind} '{rule.pattern}'")
        if rule.category and not set_category:
            set_category = True
            if category != "emergency":
                category = rule.category
                priority = DEFAULT_PRIORITY[category]
        if rule.priority and not set_priority and category != "emergency":
            set_priority = True
            priority = rule.priority
        if rule.district and not set_district:
            set_district = True
            district = rule.district
            reasons.append(f"district: force rule {rule.kind} '{rule.pattern}' → {rule.district}")
    return category, priority, district
