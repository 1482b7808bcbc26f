"""The permission matrix: every role against own district, other district, force account and
the other force. Each line reads as a sentence."""

import pytest

from beatdesk.core.permissions import can

pytestmark = pytest.mark.django_db

# (persona, action, target, allowed)
MATRIX = [
    ("officer_york", "post", "york", True),
    ("officer_york", "post", "scarborough", False),
    ("officer_york", "post", "nyp", False),
    ("officer_york", "post", "riverford-town", False),
    ("officer_york", "manage", "york", False),
    ("lead_york", "post", "york", True),
    ("lead_york", "post", "scarborough", False),
    ("lead_york", "post", "nyp", False),
    ("lead_york", "manage", "york", True),
    ("lead_york", "manage", "scarborough", False),
    ("lead_york", "post", "riverford-town", False),
    ("officer_scarborough", "post", "york", False),
    ("officer_scarborough", "post", "scarborough", True),
    ("comms", "post", "york", True),
    ("comms", "post", "scarborough", True),
    ("comms", "post", "nyp", True),
    ("comms", "manage", "york", True),
    ("comms", "post", "riverford-town", False),
    ("admin", "post", "nyp", True),
    ("admin", "manage", "scarborough", True),
    ("admin", "post", "riverford-town", False),
    ("admin_other_force", "post", "york", False),
    ("admin_other_force", "manage", "york", False),
    ("admin_other_force", "post", "riverford-town", True),
]


@pytest.mark.parametrize(("persona", "action", "target", "allowed"), MATRIX)
def test_account_matrix(request, other_force, account, persona, action, target, allowed):
    actor = request.getfixturevalue(persona)
    acct = account(target, other_force if target.startswith("riverford") else None)
    assert can(actor, action, acct) is allowed


@pytest.mark.parametrize(
    ("persona", "action", "district", "allowed"),
    [
        ("officer_york", "view", "york", True),
        ("officer_york", "view", "scarborough", False),
        ("lead_york", "manage", "york", True),
        ("lead_york", "manage", "scarborough", False),
        ("officer_scarborough", "view", "york", False),
        ("comms", "view", "scarborough", True),
        ("admin_other_force", "view", "york", False),
    ],
)
def test_district_matrix(request, force, persona, action, district, allowed):
    from beatdesk.forces.models import District

    actor = request.getfixturevalue(persona)
    assert can(actor, action, District.objects.get(force=force, slug=district)) is allowed


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [
        ("officer_york", False),
        ("lead_york", False),
        ("comms", False),
        ("admin", True),
        ("admin_other_force", False),
    ],
)
def test_only_own_force_admin_configures_force(request, force, other_force, persona, allowed):
    actor = request.getfixturevalue(persona)
    assert can(actor, "configure", force) is allowed


def test_disabled_officer_may_do_nothing(officer_york, admin, account):
    from beatdesk.people.services import officer_set_active

    officer_set_active(actor=admin, officer=officer_york, active=False, reason="left the force")
    assert can(officer_york, "post", account("york")) is False


def test_refusal_is_audited(officer_scarborough, account):
    from django.core.exceptions import PermissionDenied

    from beatdesk.audit.models import AuditEvent
    from beatdesk.core.permissions import require

    with pytest.raises(PermissionDenied):
        require(officer_scarborough, "post", account("york"))
    event = AuditEvent.objects.get(action="refused.post")
    assert event.actor == officer_scarborough
    assert event.outcome == "refused"


def test_unknown_action_is_a_programming_error(officer_york, account):
    with pytest.raises(LookupError):
        can(officer_york, "teleport", account("york"))


def test_individual_account_only_its_owner_posts(
    other_force, officer_other_force, admin_other_force
):
    from beatdesk.forces.services import account_create_individual

    own = account_create_individual(actor=admin_other_force, officer=officer_other_force)
    assert can(officer_other_force, "post", own)
    assert not can(admin_other_force, "post", own)
