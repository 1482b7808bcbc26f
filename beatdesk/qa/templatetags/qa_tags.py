from __future__ import annotations

from django import template

from beatdesk.people.signatures import signature_for

register = template.Library()


@register.filter
def signature(officer) -> str:
    return signature_for(officer)


@register.filter
def duration(seconds) -> str:
    """120.0 -> "2 min 0 s"; for the stats page."""
    if seconds is None:
        return ""
    total = round(float(seconds))
    minutes, secs = divmod(total, 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"{hours} h {minutes} min"
    if minutes:
        return f"{minutes} min {secs} s"
    return f"{secs} s"


@register.simple_tag
def upcoming_qa_sessions(force, given=None, limit: int = 3):
    """For ``{% include "qa/_upcoming.html" %}``: the sessions the page already has (the hub's
    force home passes ``sessions``), or the force's upcoming ones."""
    if isinstance(given, list):
        return given
    from beatdesk.qa.selectors import upcoming_sessions

    return upcoming_sessions(force=force, limit=limit)
