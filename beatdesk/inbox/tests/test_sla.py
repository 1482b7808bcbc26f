"""Response targets counted in office hours, in the force's time zone."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from beatdesk.inbox.models import Conversation
from beatdesk.inbox.sla import add_office_minutes, office_seconds_between

LONDON = ZoneInfo("Europe/London")
WEEKDAYS = {day: [["08:00", "18:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}


def at(*args) -> datetime:
    return datetime(*args, tzinfo=LONDON)


def test_without_office_hours_the_clock_always_runs():
    start = at(2026, 3, 7, 23, 0)
    assert add_office_minutes(start, 60, office_hours={}, zone=LONDON) == at(2026, 3, 8, 0, 0)


def test_a_message_inside_office_hours_is_due_the_same_day():
    start = at(2026, 3, 4, 10, 0)  # Wednesday
    assert add_office_minutes(start, 60, office_hours=WEEKDAYS, zone=LONDON) == at(
        2026, 3, 4, 11, 0
    )


def test_a_friday_evening_message_is_due_on_monday_morning():
    start = at(2026, 3, 6, 17, 30)  # Friday, 30 minutes before closing
    due = add_office_minutes(start, 60, office_hours=WEEKDAYS, zone=LONDON)
    assert due == at(2026, 3, 9, 8, 30)  # Monday


def test_a_message_at_night_starts_counting_when_the_office_opens():
    start = at(2026, 3, 4, 3, 0)
    assert add_office_minutes(start, 15, office_hours=WEEKDAYS, zone=LONDON) == at(
        2026, 3, 4, 8, 15
    )


def test_the_change_to_summer_time_is_respected():
    # Clocks go forward on Sunday 29 March 2026; Monday 08:00 is 07:00 UTC.
    start = datetime(2026, 3, 27, 17, 0, tzinfo=UTC)  # Friday 17:00 GMT
    due = add_office_minutes(start, 120, office_hours=WEEKDAYS, zone=LONDON)
    assert due == datetime(2026, 3, 30, 8, 0, tzinfo=UTC)  # Monday 09:00 BST


def test_split_days_and_office_time_elapsed():
    hours = {"sat": [["09:00", "12:00"], ["13:00", "15:00"]]}
    start = at(2026, 3, 7, 11, 30)  # Saturday
    assert add_office_minutes(start, 60, office_hours=hours, zone=LONDON) == at(2026, 3, 7, 13, 30)
    assert (
        office_seconds_between(start, at(2026, 3, 7, 13, 30), office_hours=hours, zone=LONDON)
        == 3600
    )


@pytest.mark.django_db
def test_ingestion_sets_the_target_from_policy_and_office_hours(ingest, force):
    policy = force.policy
    policy.office_hours = WEEKDAYS
    policy.response_targets = {"normal": 120}
    policy.save()
    message = ingest(
        "Can I ask about parking rules?", received_at=at(2026, 3, 6, 17, 0)
    )  # Friday 17:00
    conversation = Conversation.objects.get(pk=message.conversation_id)
    assert message.priority == "normal"
    assert conversation.target_at == at(2026, 3, 9, 9, 0)
