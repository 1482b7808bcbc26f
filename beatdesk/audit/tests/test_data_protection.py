"""Retention and subject access: the registries, legal holds and their audit."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from beatdesk.audit.models import AuditEvent
from beatdesk.audit.services import audit_record, legal_hold_place, legal_hold_release
from beatdesk.core import dataprotection
from beatdesk.core.dataprotection import RetentionSource, register_retention, retention_apply
from beatdesk.core.testing import login
from beatdesk.forces.models import Place

pytestmark = pytest.mark.django_db


@pytest.fixture
def places_source():
    """A source over a real model, standing in for the inbox's messages: places whose name
    marks them as old, with one anonymised instead of deleted."""
    removed = []

    def expired(force, cutoff):
        return Place.objects.filter(force=force, name__startswith="old").order_by("id")

    def expire(place):
        removed.append(place.name)
        if place.name.endswith("keep"):
            Place.objects.filter(pk=place.pk).update(name="anonymised")
            return "anonymised"
        place.delete()
        return "deleted"

    source = register_retention(
        RetentionSource(name="test.places", description="test", expired=expired, expire=expire)
    )
    yield source, removed
    dataprotection.unregister_retention(source.name)


def make_place(force, name):
    district = force.districts.first()
    return Place.objects.create(district=district, force=force, name=name)


def test_retention_removes_old_items_except_those_on_legal_hold(
    force, other_force, admin, places_source
):
    _source, removed = places_source
    assert removed == []
    gone = make_place(force, "old-1")
    kept = make_place(force, "old-2-keep")
    held = make_place(force, "old-3")
    theirs = make_place(other_force, "old-other-force")
    legal_hold_place(actor=admin, obj=held, reason="Case 44/2026")

    result = retention_apply(force=force)
    assert result.removed == {"test.places": 2} and result.held == 1
    assert not Place.objects.filter(pk=gone.pk).exists()
    assert Place.objects.get(pk=kept.pk).name == "anonymised"
    assert Place.objects.filter(pk=held.pk).exists()
    assert Place.objects.filter(pk=theirs.pk).exists()  # another force's policy, another run
    assert sorted(removed) == ["old-1", "old-2-keep"]

    events = AuditEvent.objects.filter(action__startswith="retention.", force=force)
    assert {e.action for e in events} == {"retention.delete", "retention.anonymise"}
    assert all(e.data["retention_days"] == force.policy.retention_days for e in events)
    assert {e.data["object_id"] for e in events} == {str(gone.pk), str(kept.pk)}

    from beatdesk.audit.models import LegalHold

    legal_hold_release(actor=admin, hold=LegalHold.objects.get(object_id=str(held.pk)))
    assert retention_apply(force=force).removed == {"test.places": 1}
    assert not Place.objects.filter(pk=held.pk).exists()


def test_the_retention_job_runs_for_every_force(force, other_force, places_source):
    from beatdesk.jobs.registry import run_due

    make_place(force, "old-a")
    make_place(other_force, "old-b")
    run_due(only={"retention"})
    assert not Place.objects.filter(name__in=["old-a", "old-b"]).exists()


def test_only_force_admins_place_holds(force, officer_york, admin_other_force):
    from django.core.exceptions import PermissionDenied

    place = make_place(force, "x")
    for actor in (officer_york, admin_other_force):
        with pytest.raises(PermissionDenied):
            legal_hold_place(actor=actor, obj=place, reason="r")


def test_sar_command_writes_a_readable_file(
    tmp_path, force, other_force, officer_york, officer_other_force
):
    officer_york.user.email = "jess@nyp.example"
    officer_york.user.save()
    audit_record(
        actor=officer_york, action="inbox.reply", obj=officer_york, reason="Replied to @jo.bloggs"
    )
    audit_record(
        actor=officer_other_force,
        action="inbox.reply",
        obj=officer_other_force,
        reason="Replied to @jo.bloggs",
    )
    out = tmp_path / "sar.txt"
    call_command(
        "sar",
        "--force",
        force.slug,
        "--handle",
        "@Jo.Bloggs",
        "--email",
        "jess@nyp.example",
        "--reason",
        "SAR-2026-014",
        "-o",
        str(out),
    )
    text = out.read_text(encoding="utf-8")
    assert text.startswith("Subject access report - North Yorkshire Police")
    assert "About: @jo.bloggs, jess@nyp.example" in text
    assert "Staff profile" in text and "officer_york" in text
    assert "Replied to @jo.bloggs" in text
    assert "Riverford" not in text and "Frost" not in text
    event = AuditEvent.objects.get(action="sar.export")
    assert event.reason == "SAR-2026-014" and event.origin == "cli"


def test_sar_page_is_for_force_admins_and_audited(client, admin, comms):
    login(client, comms)
    assert client.get("/desk/audit/subject-access/").status_code == 403
    client.logout()
    login(client, admin)
    assert client.get("/desk/audit/subject-access/").status_code == 200
    missing = client.post("/desk/audit/subject-access/", {"handles": "@jo", "reason": ""})
    assert missing.status_code == 400 and "Say why" in missing.content.decode()
    response = client.post(
        "/desk/audit/subject-access/", {"handles": "@jo", "emails": "", "reason": "SAR-1"}
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert "Subject access report" in response.content.decode()
    assert AuditEvent.objects.filter(action="sar.export", actor=admin, reason="SAR-1").exists()


def test_sar_with_nothing_held_says_so(force):
    from beatdesk.audit.services import subject_access_export

    text = subject_access_export(actor=None, force=force, handles=["nobody-here"], reason="r")
    assert "Nothing is held about this person." in text


def test_retention_outside_a_request_is_recorded_as_the_system(force, places_source):
    make_place(force, "old-z")
    retention_apply(force=force, now=timezone.now() + timedelta(days=1))
    assert AuditEvent.objects.filter(action="retention.delete", origin="system").exists()
