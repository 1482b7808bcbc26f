"""Changes that are not posts (officers, districts, places, sessions) show at once."""

import pytest

from beatdesk.forces.models import Place
from beatdesk.hub.cache import force_version
from beatdesk.hub.tests.test_fastpath import get, stack  # noqa: F401
from beatdesk.people.services import officer_update_profile

pytestmark = pytest.mark.django_db


def test_an_officer_bio_and_name_show_at_once_and_move_the_etag(
    client, force, make_post, account, officer_york, admin
):
    make_post(account=account("york"), author=officer_york)
    officer_url = f"/north-yorkshire/officers/{officer_york.slug}/"
    district_url = "/north-yorkshire/districts/york/"
    officer_page = client.get(officer_url)
    district_page = client.get(district_url)
    assert client.get(officer_url, HTTP_IF_NONE_MATCH=officer_page["ETag"]).status_code == 304

    officer_update_profile(
        actor=admin, officer=officer_york, bio="Ask me about bikes.", display_name="Jessica Holmes"
    )

    after = client.get(officer_url, HTTP_IF_NONE_MATCH=officer_page["ETag"])
    assert after.status_code == 200
    assert after["ETag"] != officer_page["ETag"]
    assert "Ask me about bikes." in after.content.decode()
    team = client.get(district_url, HTTP_IF_NONE_MATCH=district_page["ETag"])
    assert team.status_code == 200 and "Jessica Holmes" in team.content.decode()
    assert force_version("north-yorkshire").generation > 0


def test_a_new_place_shows_on_the_district_page_at_once(client, force):
    district = force.districts.get(slug="york")
    assert "Strensall" not in client.get("/north-yorkshire/districts/york/").content.decode()
    Place.objects.create(force=force, district=district, name="Strensall")
    assert "Strensall" in client.get("/north-yorkshire/districts/york/").content.decode()


def test_the_fast_path_asks_django_again_after_a_profile_change(
    stack,  # noqa: F811
    force,
    officer_york,
    admin,
):
    inner, app = stack
    url = f"/north-yorkshire/officers/{officer_york.slug}/"
    get(app, url)
    get(app, url)
    assert inner.calls == 1
    officer_update_profile(actor=admin, officer=officer_york, bio="New bio")
    _, _, body = get(app, url)
    assert inner.calls == 2 and b"New bio" in body


def test_other_forces_generation_does_not_move(force, other_force, officer_york, admin):
    before = force_version("riverford")
    officer_update_profile(actor=admin, officer=officer_york, bio="Only North Yorkshire")
    assert force_version("riverford") == before
