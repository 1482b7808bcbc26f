"""The session as an iCalendar file, so people can put it in their calendar."""

from __future__ import annotations

from django.utils import timezone
from icalendar import Calendar, Event

from beatdesk.qa.models import Session


def session_calendar(session: Session, *, page_url: str) -> bytes:
    """One VEVENT in UTC (every calendar converts it; no VTIMEZONE to get wrong)."""
    cal = Calendar()
    cal.add("prodid", "-//Beatdesk//Live Q&A//EN")
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"qa-session-{session.pk}@{session.force.slug}.beatdesk")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", session.starts_at)
    event.add("dtend", session.ends_at)
    event.add("summary", f"{session.title} (live Q&A, {session.force.name})")
    description = session.description.strip()
    how = (
        f"Ask your questions on the session page or with {session.hashtag_text}: {page_url}\n"
        f"Not for emergencies: call {session.force.policy.emergency_phone}."
    )
    event.add("description", f"{description}\n\n{how}" if description else how)
    event.add("url", page_url)
    event.add("location", page_url)
    if session.is_cancelled:
        event.add("status", "CANCELLED")
    cal.add_component(event)
    return cal.to_ical()
