"""A force admin connects a Bluesky account from the desk, against the real local server."""

import logging

import pytest

from beatdesk.audit.models import AuditEvent
from beatdesk.core.crypto import decrypt_json
from beatdesk.core.testing import login
from beatdesk.forces.models import Channel

pytestmark = [pytest.mark.bluesky, pytest.mark.django_db]


def test_connecting_signs_in_once_and_keeps_only_sealed_secrets(
    client, admin, account, bluesky_network, bluesky_account, caplog
):
    caplog.set_level(logging.DEBUG)
    app_password = bluesky_network.app_password(bluesky_account)
    york = account("york")
    login(client, admin)
    response = client.post(
        f"/desk/networks/accounts/{york.pk}/bluesky/",
        {
            "identifier": f"@{bluesky_account.handle}",
            "app_password": app_password,
            "service": bluesky_network.pds,
        },
        follow=True,
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert f"York Police is connected to Bluesky as @{bluesky_account.handle}." in page
    assert "Reconnect Bluesky" in page

    channel = Channel.objects.get(account=york, network="bluesky")
    assert channel.state == Channel.State.ACTIVE
    assert channel.config == {"service": bluesky_network.pds, "did": bluesky_account.did}
    assert app_password not in channel.credentials_encrypted
    secrets = decrypt_json(channel.credentials_encrypted)
    assert secrets["app_password"] == app_password
    assert secrets["session"]
    event = AuditEvent.objects.get(action="channel.connect", object_id=str(channel.pk))
    assert app_password not in str(event.data) and secrets["session"] not in str(event.data)
    assert app_password not in caplog.text


def test_a_wrong_app_password_is_explained_and_nothing_is_saved(
    client, admin, account, bluesky_network, bluesky_account
):
    login(client, admin)
    response = client.post(
        f"/desk/networks/accounts/{account('york').pk}/bluesky/",
        {
            "identifier": bluesky_account.handle,
            "app_password": "aaaa-bbbb-cccc-dddd",
            "service": bluesky_network.pds,
        },
    )
    assert response.status_code == 400
    assert "Bluesky did not accept that handle and app password." in response.content.decode()
    assert not Channel.objects.filter(network="bluesky").exists()
    assert not AuditEvent.objects.filter(action="channel.connect").exists()


def test_a_revoked_app_password_marks_the_channel_needs_reconnect_on_the_next_poll(
    bluesky_network, bluesky_account, bluesky_channel, lead_york
):
    from atproto import models

    from beatdesk.jobs.registry import run_due
    from beatdesk.networks.services import channel_credentials_store
    from beatdesk.publishing.models import Notification

    owner = bluesky_account.client(bluesky_network)
    names = [p.name for p in owner.com.atproto.server.list_app_passwords().passwords]
    for name in names:
        owner.com.atproto.server.revoke_app_password(
            models.ComAtprotoServerRevokeAppPassword.Data(name=name)
        )
    # Revoking kills the refresh token at once; the access token lives on until it expires.
    # Start from that moment: the stored session is no longer usable.
    secrets = decrypt_json(bluesky_channel.credentials_encrypted)
    secrets["session"] = ""
    channel_credentials_store(channel=bluesky_channel, credentials=secrets)

    run_due(only={"networks.poll.frequent"})
    channel = Channel.objects.get(pk=bluesky_channel.pk)
    assert channel.state == Channel.State.NEEDS_RECONNECT
    assert "Bluesky" in channel.state_reason
    # York's team lead is told.
    told = Notification.objects.get(officer=lead_york)
    assert told.text.startswith("York Police on Bluesky needs reconnecting")
    # Nothing is tried against it until it is reconnected.
    assert run_due(only={"networks.poll.frequent"}) == 0
