"""Who may read and work which conversation, as sentences."""

import pytest

from beatdesk.core.permissions import can

pytestmark = pytest.mark.django_db

# (persona, action, conversation's district, allowed)
MATRIX = [
    ("officer_york", "view", "york", True),
    ("officer_york", "work", "york", True),
    ("officer_york", "assign", "york", False),
    ("officer_york", "view", "scarborough", False),
    ("officer_york", "work", "scarborough", False),
    ("officer_scarborough", "view", "york", False),
    ("officer_scarborough", "view", "scarborough", True),
    ("lead_york", "assign", "york", True),
    ("lead_york", "assign", "scarborough", False),
    ("lead_york", "view", "scarborough", False),
    ("lead_scarborough", "assign", "scarborough", True),
    ("comms", "view", "york", True),
    ("comms", "view", "scarborough", True),
    ("comms", "assign", "york", True),
    ("admin", "view", "scarborough", True),
    ("officer_york", "view", None, False),
    ("comms", "view", None, True),
    ("admin_other_force", "view", "york", False),
    ("officer_other_force", "view", "york", False),
]


@pytest.fixture
def conversation_in(ingest):
    def make(district_slug):
        account_slug = district_slug or "nyp"
        text = "Can I ask about parking?" if district_slug else "Can I ask a general question?"
        return ingest(text, account_slug=account_slug).conversation

    return make


@pytest.mark.parametrize(("persona", "action", "district", "allowed"), MATRIX)
def test_conversation_matrix(request, other_force, conversation_in, persona, action, district,
                             allowed):  # fmt: skip
    actor = request.getfixturevalue(persona)
    conversation = conversation_in(district)
    assert (conversation.district.slug if conversation.district else None) == district
    assert can(actor, action, conversation) is allowed


def test_the_assignee_can_read_a_conversation_outside_their_district(
    conversation_in, officer_scarborough
):
    conversation = conversation_in("york")
    conversation.assignee = officer_scarborough
    assert can(officer_scarborough, "view", conversation)


def test_only_comms_manage_the_forces_triage_rules(force, officer_york, lead_york, comms):
    assert not can(officer_york, "manage_triage_rules", force)
    assert not can(lead_york, "manage_triage_rules", force)
    assert can(comms, "manage_triage_rules", force)


def test_saved_reply_libraries(force, account, officer_york, lead_york, lead_scarborough, comms):
    from beatdesk.inbox.models import SavedReply

    york = account("york").district
    force_library = SavedReply(force=force, title="t", text="x")
    york_library = SavedReply(force=force, district=york, title="t", text="x")
    assert can(comms, "manage", force_library)
    assert not can(lead_york, "manage", force_library)
    assert can(lead_york, "manage", york_library)
    assert not can(lead_scarborough, "manage", york_library)
    assert not can(officer_york, "manage", york_library)
    assert can(officer_york, "use", york_library)
