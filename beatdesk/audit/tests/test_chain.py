import threading

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from beatdesk.audit import triggers
from beatdesk.audit.chain import verify_chains
from beatdesk.audit.models import AuditChainHead, AuditEvent
from beatdesk.audit.services import audit_event, audit_record, audit_record_many

pytestmark = pytest.mark.django_db


def write_events(officer, n=5):
    return [
        audit_record(actor=officer, action="test.event", obj=officer, data={"n": i, "text": "Ünï"})
        for i in range(n)
    ]


def test_each_event_links_to_the_previous_one(officer_york, officer_other_force):
    mine = write_events(officer_york, 3)
    theirs = write_events(officer_other_force, 2)
    assert [e.seq for e in mine] == sorted(e.seq for e in mine)
    assert mine[1].prev_hash == mine[0].hash and mine[2].prev_hash == mine[1].hash
    # One chain per force: the other force's events do not interleave with ours.
    assert mine[0].chain != theirs[0].chain
    assert theirs[1].prev_hash == theirs[0].hash
    assert verify_chains().ok


def test_many_events_are_appended_in_order_across_chains(officer_york, officer_other_force):
    before = write_events(officer_york, 2)
    events = [
        audit_event(actor=officer, action="test.many", obj=officer, data={"n": n, "t": "Ünï"})
        for n, officer in enumerate([officer_york, officer_other_force, officer_york] * 3)
    ]
    audit_record_many(events)
    after = write_events(officer_york, 1)
    mine = list(
        AuditEvent.objects.filter(chain=before[0].chain, seq__gte=before[0].seq).order_by("seq")
    )
    # Ours: the two before, the six written together in the order given, the one after.
    assert [e.data.get("n") for e in mine] == [0, 1, 0, 2, 3, 5, 6, 8, 0]
    assert mine[-1].pk == after[0].pk and mine[-1].prev_hash == mine[-2].hash
    theirs = AuditEvent.objects.filter(action="test.many").exclude(chain=before[0].chain)
    assert sorted(e.data["n"] for e in theirs) == [1, 4, 7]
    assert AuditChainHead.objects.get(chain=before[0].chain).seq == after[0].seq
    assert verify_chains().ok


def test_verify_command_reports_an_intact_trail(officer_york, capsys):
    write_events(officer_york)
    call_command("audit", "verify")
    assert "The audit trail is intact" in capsys.readouterr().out


def test_the_database_refuses_updates_and_deletes():
    from beatdesk.core.testing import TEST_FORCE, import_force_text

    import_force_text(TEST_FORCE)
    assert triggers.installed(connection)
    event = AuditEvent.objects.order_by("id").first()
    for sql in (
        f"UPDATE audit_auditevent SET action = 'forged' WHERE id = {event.pk}",
        f"DELETE FROM audit_auditevent WHERE id = {event.pk}",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql)
    assert AuditEvent.objects.filter(pk=event.pk, action=event.action).exists()


def test_the_application_has_no_path_to_edit_the_trail(officer_york):
    event = write_events(officer_york, 1)[0]
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(action="x")
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).delete()


def tamper(sql, params=()):
    """Change the trail the way someone with database access would: drop the trigger first."""
    triggers.remove(connection)
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
    finally:
        triggers.install(connection)


def verify_fails():
    with pytest.raises(CommandError, match="changed outside Beatdesk"):
        call_command("audit", "verify")


def test_verify_detects_an_edited_event(officer_york, capsys):
    events = write_events(officer_york)
    tamper(
        "UPDATE audit_auditevent SET actor_label = %s WHERE id = %s", ["Someone else", events[2].pk]
    )
    verify_fails()
    err = capsys.readouterr().err
    assert f"event {events[2].pk}" in err and "contents were changed" in err


def test_verify_detects_edited_data_and_rehashed_event(officer_york, capsys):
    events = write_events(officer_york)
    # Even with the event's own hash recomputed, the next event's link breaks.
    target = events[1]
    target.data = {"n": 99}
    from beatdesk.audit.chain import event_hash

    new_hash = event_hash(target)
    tamper(
        "UPDATE audit_auditevent SET data = %s, hash = %s WHERE id = %s",
        ['{"n": 99}', new_hash, target.pk],
    )
    verify_fails()
    assert "link to the previous event is broken" in capsys.readouterr().err


def test_verify_detects_a_deleted_event(officer_york, capsys):
    events = write_events(officer_york)
    tamper("DELETE FROM audit_auditevent WHERE id = %s", [events[2].pk])
    verify_fails()
    assert "missing" in capsys.readouterr().err


def test_verify_detects_the_latest_events_removed(officer_york, capsys):
    events = write_events(officer_york)
    tamper("DELETE FROM audit_auditevent WHERE id = %s", [events[-1].pk])
    verify_fails()
    assert "latest events were removed" in capsys.readouterr().err


def test_verify_warns_when_the_triggers_are_gone(officer_york, capsys):
    write_events(officer_york, 1)
    triggers.remove(connection)
    try:
        call_command("audit", "verify")
    finally:
        triggers.install(connection)
    assert "triggers are missing" in capsys.readouterr().err


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_never_fork_the_chain():
    from beatdesk.core.testing import TEST_FORCE, import_force_text
    from beatdesk.people.models import Officer

    if connection.vendor == "sqlite":
        pytest.skip(
            "The in-memory SQLite test database (shared cache) reports table locks instead of "
            "waiting; on a file database IMMEDIATE transactions serialise writers."
        )
    force = import_force_text(TEST_FORCE)
    officers = list(Officer.objects.filter(force=force).select_related("user")[:4])
    errors = []

    def writer(officer):
        try:
            for i in range(5):
                with transaction.atomic():
                    audit_record(
                        actor=officer, action="test.concurrent", obj=officer, data={"i": i}
                    )
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(o,)) for o in officers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    report = verify_chains(f"force:{force.pk}")
    assert report.ok, report.problems
    head = AuditChainHead.objects.get(chain=f"force:{force.pk}")
    assert head.seq == AuditEvent.objects.filter(force=force).count()
