"""Scoring the engine on labelled messages, shared by the tests and ``bench/triage_eval.py``."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .dataset import Example
from .engine import classify
from .types import TriageContext

DEMO_FORCE_FILE = Path(__file__).resolve().parents[2] / "forces" / "demo" / "north-yorkshire.yaml"


@dataclass
class Scores:
    total: int = 0
    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0
    correct_category: int = 0
    district_labelled: int = 0
    district_correct: int = 0
    confusion: Counter = field(default_factory=Counter)
    missed: list[str] = field(default_factory=list)
    false_alarms: list[str] = field(default_factory=list)
    wrong: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def recall(self) -> float:
        positives = self.true_positives + self.false_negatives
        return self.true_positives / positives if positives else 1.0

    @property
    def precision(self) -> float:
        flagged = self.true_positives + self.false_positives
        return self.true_positives / flagged if flagged else 1.0

    @property
    def accuracy(self) -> float:
        return self.correct_category / self.total if self.total else 1.0

    @property
    def district_accuracy(self) -> float:
        return self.district_correct / self.district_labelled if self.district_labelled else 1.0


def score(examples: list[Example], context: TriageContext | None = None) -> Scores:
    scores = Scores()
    for example in examples:
        result = classify(example.text, context)
        scores.total += 1
        scores.confusion[(example.category, result.category)] += 1
        expected = example.category == "emergency"
        if expected and result.is_emergency:
            scores.true_positives += 1
        elif expected:
            scores.false_negatives += 1
            scores.missed.append(example.text)
        elif result.is_emergency:
            scores.false_positives += 1
            scores.false_alarms.append(example.text)
        if result.category == example.category:
            scores.correct_category += 1
        else:
            scores.wrong.append((example.category, result.category, example.text))
        if example.district:
            scores.district_labelled += 1
            scores.district_correct += result.district == example.district
    return scores


def demo_context(path: Path = DEMO_FORCE_FILE) -> TriageContext:
    """The demo North Yorkshire force's places, postcodes and officers, read from its force file.

    The labelled messages' districts refer to this force; reading the file directly keeps the
    evaluation free of a database.
    """
    import yaml

    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    places: dict[str, str] = {}
    postcodes: dict[str, str] = {}
    officers: dict[str, str] = {}
    for district in config["districts"]:
        slug = district["slug"]
        places[district["name"].lower()] = slug
        for place in [district.get("main_town"), *district.get("places", [])]:
            if place:
                places[place.lower()] = slug
        for code in district.get("postcodes", []):
            postcodes[code.upper()] = slug
    for officer in config.get("officers", []):
        districts = list((officer.get("districts") or {}).keys())
        if len(districts) != 1:
            continue
        rank = str(officer.get("rank", "")).lower()
        surname = officer["surname"].lower()
        officers[f"{rank} {surname}"] = districts[0]
        officers[f"{officer['first_name'].lower()} {surname}"] = districts[0]
        officers[surname] = districts[0]
        if officer.get("collar"):
            officers[str(officer["collar"])] = districts[0]
    return TriageContext(places=places, postcodes=postcodes, officers=officers)
