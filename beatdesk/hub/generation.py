"""The hub generation: a per-force counter of changes to what hub pages show besides posts.

Posts move the content version themselves (``Post.updated_at``). Everything else a page shows
(an officer's name, bio or photo, a district's places and postcodes, accounts and channels,
the force's policy, topics, Q&A sessions on the force home) bumps ``HubGeneration`` when it is
saved or deleted: the receivers below, connected for every such model, run inside the saving
transaction, so the new generation becomes visible exactly when the change commits. The page
cache, the ETag and the WSGI fast path all key on (content version, generation), so the change
shows within ``HUB_FRESHNESS_SECONDS``.

A service that changes such a row with ``QuerySet.update()`` (no signal) calls
``content_changed(force_id)`` itself.
"""

from __future__ import annotations

from django.db.models import F
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from beatdesk.hub.models import HubGeneration


def content_changed(force_id: int | None) -> None:
    """Move the force's hub generation on (in the caller's transaction, if any)."""
    if force_id is None:
        return
    now = timezone.now()
    moved = HubGeneration.objects.filter(force_id=force_id).update(
        generation=F("generation") + 1, changed_at=now
    )
    if not moved:
        _, created = HubGeneration.objects.get_or_create(
            force_id=force_id, defaults={"generation": 1, "changed_at": now}
        )
        if not created:
            HubGeneration.objects.filter(force_id=force_id).update(
                generation=F("generation") + 1, changed_at=now
            )


def _force_of(instance) -> int | None:
    from beatdesk.forces.models import Force

    if isinstance(instance, Force):
        return instance.pk
    return getattr(instance, "force_id", None)


def _changed(sender, instance, raw=False, **kwargs) -> None:
    if raw:  # loading fixtures
        return
    force_id = _force_of(instance)
    if force_id is None:
        return
    from beatdesk.forces.models import Force

    if isinstance(instance, Force) and kwargs.get("signal") is post_delete:
        return  # the generation row goes with the force
    content_changed(force_id)


def watched_models() -> list:
    from beatdesk.forces.models import (
        Account,
        Channel,
        District,
        Force,
        Place,
        Policy,
        PostcodeDistrict,
    )
    from beatdesk.people.models import Membership, Officer
    from beatdesk.publishing.models import Tag

    models = [
        Force,
        Policy,
        District,
        Place,
        PostcodeDistrict,
        Account,
        Channel,
        Officer,
        Membership,
        Tag,
    ]
    try:
        from beatdesk.qa.models import Session
    except ImportError:
        pass
    else:
        models.append(Session)
    return models


def connect() -> None:
    for model in watched_models():
        post_save.connect(_changed, sender=model, dispatch_uid=f"hub-gen-save-{model.__name__}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"hub-gen-del-{model.__name__}")
