"""Keeping the cached triage context honest.

A place, postcode, officer or membership changes through the forces and people apps; their
services know nothing of the inbox, so the inbox listens for the saves and drops its cached
context for that force. Nothing else happens here: no domain flow in signals.
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save

from beatdesk.forces.models import District, Place, PostcodeDistrict
from beatdesk.inbox.models import DistrictInboxSettings, TriageRule
from beatdesk.inbox.selectors import triage_data_invalidate
from beatdesk.people.models import Membership, Officer

WATCHED = (
    District,
    Place,
    PostcodeDistrict,
    Membership,
    Officer,
    TriageRule,
    DistrictInboxSettings,
)


def _invalidate(sender, instance, **kwargs) -> None:
    force_id = getattr(instance, "force_id", None)
    if force_id is not None:
        triage_data_invalidate(force_id=force_id)


def connect() -> None:
    for model in WATCHED:
        post_save.connect(_invalidate, sender=model, dispatch_uid=f"inbox-triage-{model.__name__}")
        post_delete.connect(
            _invalidate, sender=model, dispatch_uid=f"inbox-triage-del-{model.__name__}"
        )
