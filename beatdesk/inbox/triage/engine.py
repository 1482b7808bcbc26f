"""The triage engine: category, priority, district and the reasons, from a message's text.

Emergencies first, because missing one is the costly mistake. The engine looks for signals of
danger now (a weapon, a threat, someone hurt, an intruder, self-harm, a vulnerable person missing,
someone being followed), then asks whether each is real and current: inside an idiom ("this
traffic is killing me"), a joke, a story or question ("what should I do if..."), negated ("he
hasn't got a knife") or in the past ("last week my car was broken into"). A strong signal that
survives is enough; a weak one needs a sign that it is happening now, or a second signal. A
small learned model (``model.py``) backs the signals up: at one threshold on messages that name a
danger, a person or a place, at a higher one on the rest. Everything else is scored by category signals plus the learned category models; spam
is decided before anything else because spam copies alarming words to get attention.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import concepts
from . import model as learned
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
# Longer than any network allows except Facebook; the start of a message says what it is about.
MAX_CHARS = 5000
# The learned model flags an emergency the signals missed when it is at least this sure: the
# lowest threshold (in steps of 0.05) whose cross-validated precision on the development
# messages stays at 0.9 or more and whose false alarms on ordinary messages (tweets to airline
# accounts) stay at 0.75% or less, a quarter under the 1% goal (bench/triage_cv.py;
# docs/decisions/0050-...), chosen with the model closed to messages that name no danger,
# person or place. On 5,391 development messages: 0.40 gave 0.96% airline false alarms, 0.45
# 0.67% with cross-validated recall 0.987 and precision 0.968.
LEARNED_EMERGENCY = 0.45
# The same for a message that names no danger, person or place (``_learned_hit``): the lowest
# threshold by the same rule, with LEARNED_EMERGENCY at 0.45. On 5,391 development messages,
# 0.65 gave 0.78% airline false alarms, 0.70 0.73% with cross-validated recall 0.996 and
# precision 0.967.
LEARNED_EMERGENCY_UNNAMED = 0.7
# Words in a message short enough for the learned model to weigh without a danger word, and
# for a danger word in it to count as happening now ("knife, Coney St"; ``_is_emergency``).
SHORT_MESSAGE = 4
# How much the learned category model's probability adds to a category's signal score.
LEARNED_CATEGORY_WEIGHT = 3.0
CUE_FLAGS = frozenset(concepts.CUES)
EMERGENCY_INDEX = GateIndex([signal.pattern for signal in sig.EMERGENCY])
CATEGORY_INDEX = GateIndex([pattern for _c, _l, pattern, _w in sig.CATEGORY_SIGNALS])
CATEGORY_LABELS = {c: label for c, label, _p, _w in sig.CATEGORY_SIGNALS}


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


# "my neighbour was threatening me", "she was attacked": told in the past tense.
PAST_TENSE = re.compile(r"\b(?:was|were)(?: (?:\w+ly|being|getting))? $")
# "the officer who came about my car being stolen": the danger is the subject of the message,
# not happening now.
ABOUT_EARLIER = re.compile(
    r"\b(?:about|after|regarding|since) (?:my|our|the|his|her|their) (?:\w+ )?$"
)
# A negation right before the danger words: "he hasn't got a knife", "she isn't bleeding".
DENIED = re.compile(
    r"\b(?:no|not|never|isn'?t|aren'?t|wasn'?t|weren'?t|didn'?t|don'?t|doesn'?t|haven'?t|hasn'?t)"
    r"(?: \w+)?\s*$"
)
# "he won't stop hitting her" is not a negation.
NOT_STOPPING = re.compile(r"\b(?:won'?t|will not|can'?t|doesn'?t|does not|never) stop (?:\w+ )?$")
# "messages telling her to hurt herself": harassment to report, not her own intent.
URGED = re.compile(
    r"\b(?:telling|told|tells|encouraging|urging|egging) (?:her|him|me|them|people|my \w+) (?:on )?(?:to )?$"
)
# "he's gone" is the person; "they've gone" is as often the people who came.
PRONOUN_FIRST = re.compile(r"(?:he|she)\b")
PERSON_BETWEEN = re.compile(r"\b(?:she|he|they)\b")
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


class _Parts:
    """Searches the sentences and clauses of one message, pre-checking each pattern only once.

    A pattern that cannot match the whole message cannot match any part of it, so the literal
    pre-check runs on the message, not again on every sentence and clause.
    """

    __slots__ = ("_possible", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self._possible: dict[int, bool] = {}

    def search(self, pattern: Gated, part: str, *args: int) -> re.Match[str] | None:
        possible = self._possible.get(id(pattern))
        if possible is None:
            possible = self._possible[id(pattern)] = pattern.possible(self.text)
        if not possible:
            return None
        return pattern.regex.search(part, *args) if args else pattern.search_part(part)


def _danger(original: str, text: str) -> Danger:
    """Signals of danger now that survive the checks for idiom, joke, story, negation and past."""
    hits: list[Hit] = []
    set_aside: list[Hit] = []
    notes: list[str] = []
    masked, idioms = _mask(text, sig.FIGURATIVE)
    if idioms:
        notes.append(f"not an emergency: figure of speech — '{' '.join(idioms[0].split())}'")
    # Only the signals whose literals are in the message need a look, sentence by sentence,
    # and within it only the sentences holding one of those literals.
    candidates = [(sig.EMERGENCY[i], literals) for i, literals in EMERGENCY_INDEX.found(masked)]
    sentences = list(SENTENCE.finditer(masked)) if candidates else []
    parts = _Parts(masked)
    # Whether the message jokes or says all is well only matters once a signal is found.
    joke = calm = None
    for_me = asked = False
    for sentence in sentences:
        s_text = sentence.group(0)
        s_start = sentence.start()
        found = [
            (signal, match)
            for signal, literals in candidates
            if literals is None or any(literal in s_text for literal in literals)
            for match in signal.pattern.regex.finditer(s_text)
        ]
        if not found:
            continue
        if not asked:
            asked = True
            joke = None if sig.IN_EARNEST.search(text) else sig.JOKE.search(text)
            calm = sig.NOT_EMERGENCY.search(masked)
            for_me = bool(sig.FOR_ME.search(masked))
        future = parts.search(sig.FUTURE, s_text)
        context = {
            "story": parts.search(sig.STORY, s_text),
            "hearsay": parts.search(sig.HEARSAY, s_text),
            "past": parts.search(sig.PAST, s_text) or future,
            "long_past": parts.search(sig.LONG_PAST, s_text),
            "now": parts.search(sig.NOW_STRONG, s_text),
            "safe": parts.search(sig.SAFE_NOW, s_text),
            "joke": joke,
            "calm": calm,
            "for_me": for_me,
            "idiom": bool(idioms),
        }
        for signal, match in found:
            start, end = s_start + match.start(), s_start + match.end()
            hit = Hit(signal.label, _quote(original, start, end), signal.tier, start, end)
            why = _set_aside_because(signal, s_text, match, parts, **context)
            if why is None:
                hits.append(hit)
                continue
            notes.append(why)
            if why.startswith(
                (
                    "not an emergency: in the past",
                    "not an emergency: negated",
                    "not an emergency: denied",
                )
            ):
                set_aside.append(hit)
    missing = _missing_person(original, text, masked, notes, parts)
    if missing:
        hits.append(missing)
    plea = sig.PLEA_ONLY.search(text)
    if plea:
        hits.append(
            Hit("asking for help", _quote(original, *plea.span()), sig.STRONG, *plea.span())
        )
    return Danger(hits, set_aside, notes, masked)


def _set_aside_because(
    signal: sig.Signal,
    s_text: str,
    match: re.Match[str],
    parts: _Parts,
    *,
    story: re.Match[str] | None,
    hearsay: re.Match[str] | None,
    past: re.Match[str] | None,
    long_past: re.Match[str] | None,
    now: re.Match[str] | None,
    safe: re.Match[str] | None,
    joke: re.Match[str] | None,
    calm: re.Match[str] | None,
    for_me: bool,
    idiom: bool,
) -> str | None:
    """Why a danger signal does not count, or None when it stands."""
    snippet = " ".join(match.group(0).split())
    self_harm = signal.label == "self-harm"
    before = s_text[: match.start()]
    if parts.search(sig.NEGATION, before) and not NOT_STOPPING.search(before):
        if DENIED.search(before):
            return f"not an emergency: denied — '{snippet}'"
        return f"not an emergency: negated — '{snippet}'"
    if safe:
        return f"not an emergency: over or safe now — '{_words(safe)}'"
    if self_harm and URGED.search(before):
        return f"not an emergency: someone else urging it, a crime to report — '{snippet}'"
    conditional = parts.search(sig.CONDITIONAL, _clause(s_text, match.start(), match.end()))
    # "If someone had taken 40 sertraline ... Asking for me": the question is the emergency.
    if conditional and not for_me:
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
    earlier = None if self_harm else ABOUT_EARLIER.search(before)
    if earlier:
        return f"not an emergency: about an earlier event — '{_words(earlier)}'"
    # The verb's own tense; a "now" elsewhere in the sentence does not make it current.
    told_in_past = PAST_TENSE.search(before) if signal.past == "any" else None
    if told_in_past and not parts.search(
        sig.NOW_STRONG, _clause(s_text, match.start(), match.end())
    ):
        return f"not an emergency: in the past — '{_words(told_in_past)}'"
    return None


# Signs of absence only a person gives: a thing does not answer the door. (A dog can get out
# of the back door, so "door" alone is not one.)
PERSON_ONLY = re.compile(
    r"\b(?:answer(?:ing)?|opening) (?:at )?the door\b|\bcurtains\b|\bmilk\b|\brings? out\b"
)


def _missing_person(
    original: str, text: str, masked: str, notes: list[str], parts: _Parts
) -> Hit | None:
    if not sig.MISSING.possible(masked) or sig.FOUND.search(text):
        return None
    for sentence in SENTENCE.finditer(masked):
        s_text = sentence.group(0)
        match = parts.search(sig.MISSING, s_text)
        if not match:
            continue
        if parts.search(sig.NEGATION, s_text[: match.start()]) and not re.search(
            r"not|n'?t\b|never|no one|nobody|no-one|no idea", match.group(0)
        ):
            continue
        if parts.search(sig.CONDITIONAL, s_text) or parts.search(sig.STORY, s_text):
            continue
        # "my dog has gone missing", "the parcel never came": the thing comes just before.
        # Only what comes before counts: in "her phone is off" the phone is how she is missed.
        thing = parts.search(
            sig.MISSING_NOT_PERSON, s_text, max(0, match.start() - 30), match.start()
        )
        # "her phone is off": the thing is missed; "asking for money, and she hasn't been
        # home": a person comes between the thing and the words, and she is the one missing.
        # "my 8am call and he's gone": the words name the person themselves. Nor can a thing
        # leave the door unanswered or the curtains shut ("dog's howling, no answer at the door").
        if (
            thing
            and not re.search(sig.KIN, s_text[max(0, match.start() - 30) : match.end()])
            and not PERSON_BETWEEN.search(s_text, thing.end(), match.start())
            and not PRONOUN_FIRST.match(match.group(0))
            and not PERSON_ONLY.search(match.group(0))
        ):
            continue
        if parts.search(sig.LONG_PAST, s_text) and not parts.search(sig.NOW_STRONG, s_text):
            continue
        # Vulnerable, or family the writer fears for now; an airline agent who "wandered off
        # now" is neither.
        why = sig.VULNERABLE.search(masked) or (
            parts.search(sig.NOW_STRONG, s_text) if re.search(sig.KIN, masked) else None
        )
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
    # Two signals count as two only when they point at different words: "the kids are
    # screaming" is one signal found twice, not a second sign of danger.
    distinct = {h.snippet for h in hits if not _inside_another(h, hits)}
    if weak:
        if len(distinct) >= 2:
            return True
        # A few words and no question ("knife, Coney St"): written in a hurry, about now.
        if len(text.split()) <= SHORT_MESSAGE and "?" not in text:
            return True
        # A sign of "now" that is not part of the signal itself.
        return any(not (h.start <= m.start() < h.end) for h in weak for m in sig.NOW.finditer(text))
    # Supporting signals alone ("please help", "I'm scared") need two different kinds.
    return len({h.label for h in hits}) >= 2


def _inside_another(hit: Hit, hits: list[Hit]) -> bool:
    return hit.end > hit.start and any(
        other is not hit
        and other.start <= hit.start
        and hit.end <= other.end
        and (other.end - other.start) > (hit.end - hit.start)
        for other in hits
    )


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
    # The emoji are not ASCII: most messages need no look for them.
    if not text.isascii() and sig.SPAM_EMOJI.search(text):
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
    reasons: list[str] = []
    # Keeps one message's cost bounded (a 24,000-character message took about a second).
    truncated = len(original) > MAX_CHARS
    original = original[:MAX_CHARS]
    norm = sig.normalise(original)

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
        models = learned.load()
        emergency = _is_emergency(hits, norm)
        # The learned models' features are only needed when the signals leave it open.
        feats = (
            set()
            if emergency
            else learned.features(danger.masked, learned.cue_flags(norm, danger.masked))
        )
        if not emergency:
            backstop = _learned_hit(norm, danger, models, feats)
            if backstop:
                hits.append(backstop)
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
            if now and not any(h.tier == sig.STRONG for h in hits):
                reasons.append(f"emergency: happening now — '{' '.join(now.group(0).split())}'")
        else:
            category, priority = _other_category(original, danger, reasons, models, feats)
            reasons.extend(dict.fromkeys(notes))
    priority = priority or DEFAULT_PRIORITY[category]

    district, district_reason = _district(original, norm, context)
    category, priority, district = _apply_rules(
        norm, context.rules, category, priority, district, reasons
    )
    if district_reason and not any(r.startswith("district: force rule") for r in reasons):
        reasons.append(district_reason)
    if truncated:
        reasons.append(f"note: only the first {MAX_CHARS:,} characters were read")
    return TriageResult(category=category, priority=priority, district=district, reasons=reasons)


def _learned_hit(norm: str, danger: Danger, models: learned.Models, feats: set[str]) -> Hit | None:
    """The learned model's say on a message the signals did not flag, or None."""
    if models.emergency is None:
        return None
    # A message that names a danger, or a person or place one could happen to, is weighed at
    # LEARNED_EMERGENCY; one that names none of these ("I'm trying to check in and...") must
    # convince the model more, at LEARNED_EMERGENCY_UNNAMED, so ordinary complaints are not
    # flagged on their writing style, while "he's back and he's got something in his hand" or
    # "blokes ripping the cash machine out of the wall RIGHT NOW" still are.
    kinds = None
    threshold = LEARNED_EMERGENCY
    if not (
        danger.hits
        or sig.DANGER_WORDS.search(danger.masked)
        or sig.PEOPLE_AND_PLACES.search(danger.masked)
        # A message of a few words ("he's outside", "they're back") says little, and only the
        # model can weigh it.
        or len(learned.words(danger.masked)) <= SHORT_MESSAGE
    ):
        # A kind of danger, or a vulnerable person, named in words the lists above do not
        # hold ("a crowbar", "prowling", "my 13 year old").
        kinds = concepts.found(danger.masked)
        if not kinds & concepts.DANGERS:
            threshold = LEARNED_EMERGENCY_UNNAMED
    # The writer saying nobody is in danger overrules it. A past-time cue, a joke or a story
    # does not: the model weighs those itself (cue flags ``#past``, ``#joke``, ``#story``), and
    # as blanket vetoes they threw away "there's a girl being put into a taxi... same men were
    # here last week" and "re your appeal for the missing woman, I'm looking at her right now".
    if (
        sig.NOT_EMERGENCY.search(danger.masked)
        or sig.SAFE_NOW.search(danger.masked)
        # The signals read the danger and found it denied outright ("he hasn't got a knife").
        or any(note.startswith("not an emergency: denied") for note in danger.notes)
    ):
        return None
    # Asked last: the cheap checks above (mostly remembered searches) settle most messages.
    if kinds is None:
        kinds = concepts.found(danger.masked)
    kinds = concepts.features(kinds, feats & CUE_FLAGS)
    p_emergency = models.emergency.probability(
        feats | kinds if kinds else feats, learned.char_runs(danger.masked)
    )
    if p_emergency < threshold:
        return None
    words = "', '".join(models.emergency.top(feats))
    return Hit(f"learned from labelled messages (p={p_emergency:.2f})", words, sig.STRONG)


def _label_rank(label: str) -> int:
    return LABEL_ORDER.index(label) if label in LABEL_ORDER else len(LABEL_ORDER)


def _other_category(
    original: str, danger: Danger, reasons: list[str], models: learned.Models, feats: set[str]
) -> tuple[str, str | None]:
    text = danger.masked
    hits = danger.hits + danger.set_aside
    scores, first = _categories(original, text)
    for category, p in models.category_probabilities(feats).items():
        scores[category] = scores.get(category, 0.0) + LEARNED_CATEGORY_WEIGHT * p
        if p >= 0.5 and category not in first:
            first[category] = ", ".join(models.categories[category].top(feats)) or "learned"
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
    if category == "other":
        reasons.append("other: no stronger category signal")
        return "other", None
    label = CATEGORY_LABELS.get(category, "learned from labelled messages")
    evidence = first.get(category)
    if evidence is None and category in models.categories:
        evidence = ", ".join(models.categories[category].top(feats))
    reasons.append(f"{category.replace('_', ' ')}: {label} — '{evidence or 'learned'}'")
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
