"""Response targets counted in a force's office hours.

``Policy.office_hours`` is ``{"mon": [["08:00", "18:00"]], ...}`` in the force's time zone; a day
that is missing is closed, and no office hours at all means the desk is staffed around the clock.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

DAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# A target further away than this in office time is a configuration mistake, not a wait.
MAX_DAYS_SCANNED = 400


def _parse(value: str) -> time:
    hours, minutes = value.split(":")
    if hours == "24":
        return time(23, 59, 59, 999999)
    return time(int(hours), int(minutes))


def _intervals(office_hours: dict, day_key: str) -> list[tuple[time, time]]:
    return sorted((_parse(start), _parse(end)) for start, end in office_hours.get(day_key) or [])


def add_office_minutes(
    start: datetime, minutes: int, *, office_hours: dict | None, zone: ZoneInfo
) -> datetime:
    """The moment ``minutes`` of office time after ``start`` have passed."""
    if not office_hours:
        return start + timedelta(minutes=minutes)
    remaining = timedelta(minutes=minutes)
    local = start.astimezone(zone)
    day = local.date()
    for _ in range(MAX_DAYS_SCANNED):
        for open_at, close_at in _intervals(office_hours, DAY_KEYS[day.weekday()]):
            # Built from the wall clock each day, so a change of clocks (BST) is respected.
            opening = datetime.combine(day, open_at, tzinfo=zone)
            closing = datetime.combine(day, close_at, tzinfo=zone)
            begin = max(opening, local)
            if begin >= closing:
                continue
            available = closing - begin
            if remaining <= available:
                return (begin + remaining).astimezone(start.tzinfo)
            remaining -= available
        day += timedelta(days=1)
    return start + timedelta(minutes=minutes)


def office_seconds_between(
    start: datetime, end: datetime, *, office_hours: dict | None, zone: ZoneInfo
) -> int:
    """Office time elapsed between two moments, in seconds (for reporting response times)."""
    if end <= start:
        return 0
    if not office_hours:
        return int((end - start).total_seconds())
    total = timedelta()
    local_start, local_end = start.astimezone(zone), end.astimezone(zone)
    day = local_start.date()
    while day <= local_end.date():
        for open_at, close_at in _intervals(office_hours, DAY_KEYS[day.weekday()]):
            begin = max(datetime.combine(day, open_at, tzinfo=zone), local_start)
            finish = min(datetime.combine(day, close_at, tzinfo=zone), local_end)
            if finish > begin:
                total += finish - begin
        day += timedelta(days=1)
    return int(total.total_seconds())
