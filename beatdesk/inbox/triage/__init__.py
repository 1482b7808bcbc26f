"""Triage: category, priority, district and reasons for a public message.

Pure Python (no Django) so it is fast, testable and safe to call from anywhere; the Django glue
that builds a force's context lives in ``context.py`` and imports its models lazily.
"""

from .engine import classify
from .model import urgency
from .types import CATEGORIES, PRIORITIES, ForceRule, TriageContext, TriageResult

__all__ = [
    "CATEGORIES",
    "PRIORITIES",
    "ForceRule",
    "TriageContext",
    "TriageResult",
    "classify",
    "urgency",
]
