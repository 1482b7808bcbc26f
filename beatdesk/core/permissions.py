"""The one place that answers "may this officer do this to that object?".

Each domain app declares its rules in its own ``permissions.py`` with ``@rule(action, Model)``;
this module loads them at start-up and answers every question through ``can()``. Views, API
endpoints, services and the CLI all ask here, so a rule changes in one place.

Two boundaries are enforced here, before any app rule runs: an inactive officer may do nothing,
and nobody may act on an object of another force.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied

if TYPE_CHECKING:
    from beatdesk.people.models import Officer

Rule = Callable[["Officer", Any], bool]
_RULES: dict[tuple[str, type], Rule] = {}


def rule(action: str, model: type) -> Callable[[Rule], Rule]:
    """Register the rule for ``action`` on instances of ``model``."""

    def register(fn: Rule) -> Rule:
        key = (action, model)
        if key in _RULES and _RULES[key] is not fn:
            raise RuntimeError(f"Two permission rules for {action!r} on {model.__name__}")
        _RULES[key] = fn
        return fn

    return register


def force_id_of(obj: Any) -> int | None:
    from beatdesk.forces.models import Force

    if isinstance(obj, Force):
        return obj.pk
    return getattr(obj, "force_id", None)


def can(actor: Officer | None, action: str, obj: Any) -> bool:
    """True when ``actor`` may do ``action`` to ``obj``. Unknown actions are a programming error."""
    if actor is None or not actor.is_active:
        return False
    target_force = force_id_of(obj)
    if target_force is None or target_force != actor.force_id:
        return False
    for klass in type(obj).__mro__:
        found = _RULES.get((action, klass))
        if found is not None:
            return bool(found(actor, obj))
    raise LookupError(f"No permission rule for {action!r} on {type(obj).__name__}")


def require(actor: Officer | None, action: str, obj: Any) -> None:
    """Raise PermissionDenied, after auditing the refusal, unless ``actor`` may do it."""
    if can(actor, action, obj):
        return
    from beatdesk.audit.services import audit_refusal

    event = audit_refusal(actor=actor, action=action, obj=obj)
    refused = PermissionDenied(f"You may not {action.replace('_', ' ')} this.")
    # A refusal inside a service's transaction is rolled back with it; the 403 handler
    # (core.views.permission_denied) records it again if so.
    refused.refusal = (actor, action, obj, event.pk if event is not None else None)
    raise refused


def registered_rules() -> dict[tuple[str, type], Rule]:
    return dict(_RULES)
