"""The triage engine's public shapes: what goes in (context, force rules) and what comes out."""

from __future__ import annotations

from dataclasses import dataclass, field

CATEGORIES = (
    "emergency",
    "crime_report",
    "question",
    "complaint",
    "praise",
    "feedback",
    "abuse",
    "spam",
    "other",
)
PRIORITIES = ("urgent", "high", "normal", "low")
RULE_KINDS = ("keyword", "place")


@dataclass(frozen=True)
class ForceRule:
    """A force's own rule: a keyword or a place name that sets category, priority or district."""

    kind: str
    pattern: str
    category: str | None = None
    priority: str | None = None
    district: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in RULE_KINDS:
            raise ValueError(f"A force rule is a 'keyword' or a 'place' rule, not {self.kind!r}.")
        if not self.pattern or not self.pattern.strip():
            raise ValueError("A force rule needs a word or phrase to match.")
        if self.category is not None and self.category not in CATEGORIES:
            raise ValueError(
                f"{self.category!r} is not a category; use one of {', '.join(CATEGORIES)}."
            )
        if self.priority is not None and self.priority not in PRIORITIES:
            raise ValueError(
                f"{self.priority!r} is not a priority; use one of {', '.join(PRIORITIES)}."
            )
        if self.kind == "place" and not self.district:
            raise ValueError("A place rule needs the district the place belongs to.")


@dataclass(frozen=True)
class TriageContext:
    """What the engine knows about the force: where places, postcodes and officers belong."""

    account_district: str | None = None
    places: dict[str, str] = field(default_factory=dict)
    postcodes: dict[str, str] = field(default_factory=dict)
    officers: dict[str, str] = field(default_factory=dict)
    rules: list[ForceRule] = field(default_factory=list)


@dataclass
class TriageResult:
    category: str
    priority: str
    district: str | None
    reasons: list[str] = field(default_factory=list)

    @property
    def is_emergency(self) -> bool:
        return self.category == "emergency"

    def as_dict(self) -> dict:
        return {
            "category": self.category,
            "priority": self.priority,
            "district": self.district,
            "reasons": list(self.reasons),
        }
