"""Who may read and work which conversation.

Officers see their districts' conversations and those assigned to them; comms and force admins
see every conversation of the force. Leads assign work in their districts.
"""

from __future__ import annotations

from beatdesk.core.permissions import rule
from beatdesk.forces.models import District, Force
from beatdesk.inbox.models import Conversation, Message, SavedReply, TriageRule
from beatdesk.people.models import Officer
from beatdesk.people.selectors import is_lead, is_member


def _in_scope(actor: Officer, conversation: Conversation) -> bool:
    if actor.is_comms or conversation.assignee_id == actor.pk:
        return True
    return is_member(actor, conversation.district_id)


@rule("view", Conversation)
def view_conversation(actor: Officer, conversation: Conversation) -> bool:
    return _in_scope(actor, conversation)


@rule("work", Conversation)
def work_conversation(actor: Officer, conversation: Conversation) -> bool:
    """Reply, note, label, change status, snooze, take it for oneself, correct triage."""
    return _in_scope(actor, conversation)


@rule("assign", Conversation)
def assign_conversation(actor: Officer, conversation: Conversation) -> bool:
    """Give a conversation to someone else: the district's lead or the comms desk."""
    return actor.is_comms or is_lead(actor, conversation.district_id)


@rule("view", Message)
def view_message(actor: Officer, message: Message) -> bool:
    return _in_scope(actor, message.conversation)


@rule("correct_triage", Message)
def correct_triage(actor: Officer, message: Message) -> bool:
    return _in_scope(actor, message.conversation)


@rule("manage", TriageRule)
def manage_rule(actor: Officer, triage_rule: TriageRule) -> bool:
    return actor.is_comms


@rule("manage_triage_rules", Force)
def manage_triage_rules(actor: Officer, force: Force) -> bool:
    return actor.is_comms


@rule("manage_inbox_keys", Force)
def manage_inbox_keys(actor: Officer, force: Force) -> bool:
    return actor.is_force_admin


@rule("manage", SavedReply)
def manage_saved_reply(actor: Officer, saved: SavedReply) -> bool:
    if actor.is_comms:
        return True
    return saved.district_id is not None and is_lead(actor, saved.district_id)


@rule("use", SavedReply)
def use_saved_reply(actor: Officer, saved: SavedReply) -> bool:
    return saved.district_id is None or actor.is_comms or is_member(actor, saved.district_id)


@rule("manage_inbox", District)
def manage_district_inbox(actor: Officer, district: District) -> bool:
    return actor.is_comms or is_lead(actor, district.pk)
