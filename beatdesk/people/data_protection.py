"""What the people app holds about a person with a given email address (staff are subjects too)."""

from __future__ import annotations

from beatdesk.core.dataprotection import Section, Subject, register_subject_access
from beatdesk.people.models import Officer


@register_subject_access("people")
def officer_profile(force, subject: Subject) -> Section | None:
    if not subject.emails:
        return None
    officers = (
        Officer.objects.filter(force=force, user__email__in=subject.emails)
        .select_related("user")
        .prefetch_related("memberships__district")
    )
    records = []
    for o in officers:
        records.append(
            {
                "Name": o.public_name,
                "Username": o.user.username,
                "Email": o.user.email,
                "Collar number": o.collar_number,
                "Bio": o.bio,
                "Districts": ", ".join(
                    f"{m.district.name} ({m.get_role_display()})" for m in o.memberships.all()
                ),
                "Force role": o.get_force_role_display(),
                "Active": "yes" if o.is_active else "no",
                "Last sign-in": f"{o.user.last_login:%d %b %Y %H:%M}" if o.user.last_login else "",
            }
        )
    return Section(
        title="Staff profile",
        purpose="Your login and public profile as a member of staff using the desk.",
        records=records,
    )
