"""The connections page and the Bluesky connect form, without a network: permissions and
validation happen before Beatdesk signs in anywhere."""

import pytest

from beatdesk.core.testing import login
from beatdesk.forces.models import Channel

pytestmark = pytest.mark.django_db


def test_a_force_admin_sees_every_account_and_its_channels(client, admin, account):
    login(client, admin)
    response = client.get("/desk/networks/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Network connections" in page
    for name in ("North Yorkshire Police", "York Police", "Scarborough Police"):
        assert name in page
    york = account("york")
    assert f"/desk/networks/accounts/{york.pk}/bluesky/" in page
    assert "Connect Bluesky" in page


@pytest.mark.parametrize("persona", ["officer_york", "lead_york", "comms"])
def test_only_force_admins_manage_connections(client, persona, request, account):
    login(client, request.getfixturevalue(persona))
    assert client.get("/desk/networks/").status_code == 403
    url = f"/desk/networks/accounts/{account('york').pk}/bluesky/"
    assert client.get(url).status_code == 403
    response = client.post(
        url, {"identifier": "york.bsky.social", "app_password": "abcd-efgh-ijkl-mnop"}
    )
    assert response.status_code == 403
    assert not Channel.objects.filter(network="bluesky").exists()


def test_another_forces_account_is_not_found(client, admin_other_force, account):
    login(client, admin_other_force)
    url = f"/desk/networks/accounts/{account('york').pk}/bluesky/"
    assert client.get(url).status_code == 404


def test_the_form_explains_app_passwords_and_labels_every_field(client, admin, account):
    login(client, admin)
    page = client.get(f"/desk/networks/accounts/{account('york').pk}/bluesky/").content.decode()
    assert "Connect York Police to Bluesky" in page
    assert "App passwords" in page
    for field in ("identifier", "app_password", "service"):
        assert f'<label for="{field}">' in page
    assert 'value="https://bsky.social"' in page
    assert 'type="password"' in page


def test_missing_fields_are_explained_and_nothing_is_saved(client, admin, account):
    login(client, admin)
    response = client.post(
        f"/desk/networks/accounts/{account('york').pk}/bluesky/",
        {"identifier": "", "app_password": "", "service": "https://bsky.social"},
    )
    assert response.status_code == 400
    assert "Enter the account&#x27;s handle and an app password." in response.content.decode()
    assert not Channel.objects.filter(network="bluesky").exists()


def test_a_server_address_that_is_not_http_is_refused(client, admin, account):
    login(client, admin)
    response = client.post(
        f"/desk/networks/accounts/{account('york').pk}/bluesky/",
        {"identifier": "york.bsky.social", "app_password": "abcd", "service": "ftp://x"},
    )
    assert response.status_code == 400
    assert "must start with https://" in response.content.decode()
