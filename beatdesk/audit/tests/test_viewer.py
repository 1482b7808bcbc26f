import csv
import io

import pytest

from beatdesk.audit.models import AuditEvent
from beatdesk.audit.services import audit_record
from beatdesk.core.testing import login

pytestmark = pytest.mark.django_db


def download(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff")
    return list(csv.reader(io.StringIO(body)))


def test_only_force_admins_see_the_trail(client, officer_york, comms, admin):
    for persona in (officer_york, comms):
        login(client, persona)
        assert client.get("/desk/audit/").status_code == 403
        client.logout()
    assert AuditEvent.objects.filter(action="refused.view_audit", actor=comms).exists()
    login(client, admin)
    page = client.get("/desk/audit/")
    assert page.status_code == 200
    assert "Audit trail" in page.content.decode()


def test_the_trail_shows_only_the_admins_own_force(client, admin, officer_other_force):
    audit_record(actor=officer_other_force, action="secret.other_force", obj=officer_other_force)
    login(client, admin)
    body = client.get("/desk/audit/").content.decode()
    assert "secret.other_force" not in body
    assert "Frost" not in body


def test_filters_by_who_what_when_where_and_object(client, admin, officer_york, lead_york):
    audit_record(actor=officer_york, action="post.create", obj=officer_york, data={"x": 1})
    audit_record(actor=lead_york, action="post.remove", obj=lead_york, reason="duplicate")
    audit_record(actor=lead_york, action="inbox.assign", obj=officer_york)
    login(client, admin)

    def rows(**query):
        body = client.get("/desk/audit/", query).content.decode()
        return body.split("<tbody>")[1].split("</tbody>")[0] if "<tbody>" in body else ""

    assert "post.remove" in rows(who="lead_york") and "post.create" not in rows(who="lead_york")
    assert "post.create" in rows(what="post") and "inbox.assign" not in rows(what="post")
    assert "inbox.assign" in rows(what="inbox.assign")
    assert "post.create" in rows(object=f"officer:{officer_york.pk}")
    assert "post.remove" not in rows(object=f"officer:{officer_york.pk}")
    assert rows(since="2999-01-01") == ""
    assert "post.create" in rows(since="2000-01-01", until="2999-01-01")
    assert "post.create" in rows(where="system")  # written outside a request
    assert "refused" not in rows(outcome="ok")


def test_export_needs_a_reason_and_is_audited(client, admin, officer_york):
    login(client, admin)
    assert client.get("/desk/audit/export.csv").status_code == 400
    response = client.get(
        "/desk/audit/export.csv", {"reason": "Complaint 2291/26", "what": "login"}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    event = AuditEvent.objects.get(action="audit.export")
    assert event.reason == "Complaint 2291/26" and event.actor == admin
    assert event.data == {"filters": {"what": "login"}}


def test_export_neutralises_formulas(client, admin, officer_york):
    audit_record(
        actor=officer_york,
        action="post.create",
        obj=officer_york,
        reason='=HYPERLINK("http://x","y")',
    )
    audit_record(actor=officer_york, action="post.create", obj=officer_york, reason="+SUM(1,1)")
    audit_record(actor=officer_york, action="post.create", obj=officer_york, reason="@cmd")
    audit_record(actor=officer_york, action="post.create", obj=officer_york, reason="-2+3")
    login(client, admin)
    table = download(
        client.get("/desk/audit/export.csv", {"reason": "check", "what": "post.create"})
    )
    header, *data = table
    reasons = [row[header.index("reason")] for row in data]
    assert set(reasons) == {'\'=HYPERLINK("http://x","y")', "'+SUM(1,1)", "'@cmd", "'-2+3"}


def test_export_is_scoped_to_the_force(client, admin, officer_other_force):
    audit_record(actor=officer_other_force, action="secret.other_force", obj=officer_other_force)
    login(client, admin)
    table = download(client.get("/desk/audit/export.csv", {"reason": "check"}))
    assert not any("secret.other_force" in cell for row in table for cell in row)
