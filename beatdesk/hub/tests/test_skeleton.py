import pytest

pytestmark = pytest.mark.django_db


def test_force_home_lists_districts_and_accounts_of_that_force_only(client, force, other_force):
    body = client.get("/north-yorkshire/").content.decode()
    assert "York" in body and "Scarborough" in body
    assert "Riverford" not in body


def test_root_lists_forces_when_several(client, force, other_force):
    body = client.get("/").content.decode()
    assert "North Yorkshire Police" in body and "Riverford Constabulary" in body


def test_unknown_force_is_404(client, force):
    assert client.get("/nowhere/").status_code == 404
