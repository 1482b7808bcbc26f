"""A small stand-in for the triage engine, used by these tests only while the engine is absent.

It follows the engine's published contract (classify, TriageContext, TriageResult, ForceRule)
with a handful of keyword signals, enough to exercise ingestion, pinning and routing.
"""

from __future__ import annotations

import re
import sys
import types
from dataclasses import dataclass, field

EMERGENCY = ("help me", "knife", "kill myself", "hitting me", "missing now", "in danger")
CRIME = ("stolen", "burgled", "broke into", "vandalised")


@dataclass
class ForceRule:
    kind: str
    pattern: str
    category: str | None = None
    priority: str | None = None
    district: str | None = None


@dataclass
class TriageContext:
    account_district: str | None = None
    places: dict = field(default_factory=dict)
    postcodes: dict = field(default_factory=dict)
    officers: dict = field(default_factory=dict)
    rules: list = field(default_factory=list)


@dataclass
class TriageResult:
    category: str
    priority: str
    district: str | None
    reasons: list

    @property
    def is_emergency(self) -> bool:
        return self.category == "emergency"


def classify(text: str, context: TriageContext | None = None) -> TriageResult:
    context = context or TriageContext()
    lowered = text.lower()
    category, priority, reasons = "other", "normal", []
    if any(word in lowered for word in EMERGENCY):
        category, priority = "emergency", "urgent"
        reasons.append("emergency words")
    elif any(word in lowered for word in CRIME):
        category, priority = "crime_report", "high"
        reasons.append("crime words")
    elif "?" in text:
        category = "question"
        reasons.append("question mark")
    district = None
    for name, slug in context.places.items():
        if re.search(rf"\b{re.escape(name)}\b", lowered):
            district = slug
            reasons.append(f"place {name}")
            break
    for code, slug in context.postcodes.items():
        if re.search(rf"\b{code.lower()}\b", lowered):
            district = slug
            reasons.append(f"postcode {code}")
    for rule in context.rules:
        if re.search(rf"\b{re.escape(rule.pattern.lower())}\b", lowered):
            category = rule.category or category
            priority = rule.priority or priority
            district = rule.district or district
            reasons.append(f"force rule {rule.kind} {rule.pattern}")
    if district is None and context.account_district:
        district = context.account_district
        reasons.append("account addressed")
    return TriageResult(category, priority, district, reasons)


def install() -> None:
    try:
        import beatdesk.inbox.triage  # noqa: F401
    except ModuleNotFoundError:
        module = types.ModuleType("beatdesk.inbox.triage")
        for name in ("ForceRule", "TriageContext", "TriageResult", "classify"):
            setattr(module, name, globals()[name])
        sys.modules["beatdesk.inbox.triage"] = module
