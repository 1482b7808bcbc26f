import pytest

from beatdesk.audit.models import AuditEvent
from beatdesk.core.testing import login
from beatdesk.forces.models import District, Place

pytestmark = pytest.mark.django_db


def test_officer_without_admin_role_cannot_open_admin(client, officer_york):
    login(client, officer_york)
    response = client.get("/admin/", follow=True)
    assert response.status_code == 403


def test_admin_sign_in_goes_through_the_desk_login(client, force):
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/desk/login/?next=/admin/")


def test_force_admin_sees_only_own_force(client, admin, other_force):
    login(client, admin)
    body = client.get("/admin/forces/district/").content.decode()
    assert "York" in body and "Scarborough" in body
    assert "Riverford Town" not in body
    riverford = District.objects.get(slug="riverford-town")
    assert client.get(f"/admin/forces/district/{riverford.pk}/change/").status_code in (302, 404)


def test_admin_change_is_audited_and_keeps_force(client, admin, force):
    login(client, admin)
    york = District.objects.get(force=force, slug="york")
    places = list(york.places.all())
    postcodes = list(york.postcodes.all())
    data = {
        "name": "York and Selby",
        "slug": "york",
        "description": "",
        "places-TOTAL_FORMS": str(len(places) + 1),
        "places-INITIAL_FORMS": str(len(places)),
        "places-MIN_NUM_FORMS": "0",
        "places-MAX_NUM_FORMS": "1000",
        "postcodes-TOTAL_FORMS": str(len(postcodes)),
        "postcodes-INITIAL_FORMS": str(len(postcodes)),
        "postcodes-MIN_NUM_FORMS": "0",
        "postcodes-MAX_NUM_FORMS": "1000",
    }
    for i, place in enumerate(places):
        data |= {
            f"places-{i}-id": place.pk,
            f"places-{i}-district": york.pk,
            f"places-{i}-name": place.name,
            f"places-{i}-is_main_town": "on" if place.is_main_town else "",
        }
    n = len(places)
    data |= {f"places-{n}-district": york.pk, f"places-{n}-name": "Acomb"}
    for i, code in enumerate(postcodes):
        data |= {
            f"postcodes-{i}-id": code.pk,
            f"postcodes-{i}-district": york.pk,
            f"postcodes-{i}-code": code.code,
        }
    response = client.post(f"/admin/forces/district/{york.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    york.refresh_from_db()
    assert york.name == "York and Selby"
    assert york.force_id == force.pk
    assert Place.objects.get(district=york, name="Acomb").force_id == force.pk
    event = AuditEvent.objects.get(action="admin.change")
    assert event.actor == admin and "name" in event.data["changed"]
