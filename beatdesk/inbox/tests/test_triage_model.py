"""The learned backstop and the literal prefilter: both derived, never hand-tuned numbers."""

from __future__ import annotations

import json
import re

from beatdesk.inbox.triage import dataset
from beatdesk.inbox.triage import model as learned
from beatdesk.inbox.triage import signals as sig
from beatdesk.inbox.triage.prefilter import Gated, GateIndex, required_literals


def test_the_shipped_model_is_what_training_on_the_development_part_produces():
    shipped = json.loads(learned.MODEL_FILE.read_text(encoding="utf-8"))
    retrained = json.loads(json.dumps(learned.train(dataset.development()), sort_keys=True))
    assert shipped == retrained, "run: python -m beatdesk.inbox.triage.model"


def test_the_model_never_learns_from_held_out_messages():
    shipped = learned.load()
    assert shipped.emergency is not None
    assert set(shipped.categories) == {
        "abuse",
        "complaint",
        "crime_report",
        "feedback",
        "other",
        "praise",
        "question",
        "spam",
    }


def test_learned_reasons_name_the_words_that_weighed():
    linear = learned.Linear(0.0, {"bleeding": 2.0, "floor": 1.0, "#now": 3.0, "cake": -1.0})
    feats = {"bleeding", "floor", "#now", "cake"}
    assert linear.top(feats) == ["bleeding", "floor"]
    assert 0.5 < linear.probability(feats) < 1.0


def test_required_literals_of_simple_patterns():
    assert required_literals(r"\b(?:stolen|nicked) (?:my )?car\b") == frozenset(
        {"stolen", "nicked"}
    )
    assert required_literals(r"\bknife\b") == frozenset({"knife"})
    # An optional part or a bare character class gives no safe literal.
    assert required_literals(r"(?:ab)?c") is None
    assert required_literals(r"[a-z]+") is None


def _every_pattern():
    for name in dir(sig):
        value = getattr(sig, name)
        if isinstance(value, Gated):
            yield name, value
    for signal in sig.EMERGENCY:
        yield signal.label, signal.pattern
    for category, _label, pattern, _weight in sig.CATEGORY_SIGNALS:
        yield category, pattern
    for label, pattern in sig.SPAM:
        yield label, pattern


def test_the_prefilter_never_rejects_text_a_pattern_matches():
    texts = [sig.normalise(e.text) for e in dataset.load()]
    texts += [
        "he's got a knife",
        "someone's trying the back door",
        "i've taken all my tablets",
        "car upside down in the beck",
    ]
    checked = 0
    for name, gated in _every_pattern():
        for text in texts:
            if gated.regex.search(text):
                checked += 1
                assert gated.possible(text), (name, text)
    assert checked > 1000


def test_the_gate_index_picks_the_same_patterns_as_the_single_gates():
    patterns = [signal.pattern for signal in sig.EMERGENCY]
    index = GateIndex(patterns)
    for example in dataset.load()[:200]:
        text = sig.normalise(example.text)
        expected = [i for i, p in enumerate(patterns) if p.possible(text)]
        assert index.candidates(text) == expected


def test_patterns_are_lower_case_because_text_is_normalised():
    for name, gated in _every_pattern():
        literal_text = re.sub(r"\\[a-zA-Z]|\[[^\]]*\]|\(\?[^:)]*", "", gated.pattern)
        assert literal_text == literal_text.lower(), name
