"""The labelled police messages, their fixed split, and the goals measured on the held-out part.

The held-out part is never tuned on (see ``beatdesk/inbox/triage/dataset.py``), so its figures
are the honest ones. ``bench/triage_eval.py`` prints the same figures with more detail.
"""

from __future__ import annotations

import json
from collections import Counter

import pytest

from beatdesk.inbox.triage import CATEGORIES, PRIORITIES, dataset
from beatdesk.inbox.triage.evaluate import demo_context, score


@pytest.fixture(scope="module")
def held_out_scores():
    return score(dataset.held_out(), demo_context())


def test_the_data_set_is_large_varied_and_well_formed():
    examples = dataset.load()
    assert len(examples) >= 1800
    texts = [e.text for e in examples]
    assert len(set(texts)) == len(texts), "every message appears once"
    counts = Counter(e.category for e in examples)
    assert set(counts) == set(CATEGORIES)
    assert counts["emergency"] >= 700
    assert all(counts[c] >= 25 for c in CATEGORIES)
    for example in examples:
        assert example.priority in (None, *PRIORITIES)
        if example.category == "emergency":
            assert example.priority == "urgent"
    districts = {d["slug"] for d in _demo_districts()}
    assert {e.district for e in examples if e.district} <= districts


def _demo_districts():
    import yaml

    from beatdesk.inbox.triage.evaluate import DEMO_FORCE_FILE

    return yaml.safe_load(DEMO_FORCE_FILE.read_text())["districts"]


def test_every_line_is_json_with_the_documented_fields():
    with dataset.POLICE_MESSAGES.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            row = json.loads(line)
            assert set(row) <= {"text", "category", "priority", "district", "notes"}, number
            assert row["category"] in CATEGORIES, number


def test_the_split_is_deterministic_and_disjoint():
    development = dataset.development()
    held_out = dataset.held_out()
    assert len(development) + len(held_out) == len(dataset.load())
    assert not {e.text for e in development} & {e.text for e in held_out}
    # About 30% held out, decided by the text alone.
    assert 0.2 < len(held_out) / len(dataset.load()) < 0.4
    assert dataset.is_held_out(held_out[0].text)
    assert not dataset.is_held_out(development[0].text)
    assert sum(e.category == "emergency" for e in held_out) >= 200


def test_held_out_emergency_precision_meets_the_goal(held_out_scores):
    assert held_out_scores.precision >= 0.8, held_out_scores.false_alarms


def test_held_out_emergency_recall_meets_the_goal(held_out_scores):
    # Issue 5's goal, on messages the engine was never tuned on: 0.981 (1,067 of 1,088), one
    # message above the line. A change that loses a held-out emergency fails here; the way
    # back is a better engine judged on the development part, not a lower bar.
    assert held_out_scores.recall >= 0.98, held_out_scores.missed


def test_held_out_category_accuracy_floor(held_out_scores):
    assert held_out_scores.accuracy >= 0.75


def test_held_out_district_accuracy(held_out_scores):
    assert held_out_scores.district_labelled >= 20
    assert held_out_scores.district_accuracy >= 0.9


def test_development_part_stays_fully_flagged():
    # Tuned on: a regression guard, not a measure of quality.
    scores = score(dataset.development(), demo_context())
    assert scores.recall >= 0.98, scores.missed
    assert scores.precision >= 0.9, scores.false_alarms
