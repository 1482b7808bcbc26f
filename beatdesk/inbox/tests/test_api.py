"""POST /api/v1/inbox/messages: external feeds, authenticated by a per-force key."""

import json

import pytest
from django.core.management import call_command

from beatdesk.inbox.models import InboxApiKey, Message
from beatdesk.inbox.services import api_key_create, api_key_revoke

pytestmark = pytest.mark.django_db

URL = "/api/v1/inbox/messages"


@pytest.fixture
def key(force):
    return api_key_create(actor=None, force=force, name="Test feed")[1]


def send(client, body, key=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"} if key else {}
    return client.post(URL, json.dumps(body), content_type="application/json", **headers)


def test_a_key_is_required(client, force):
    assert send(client, {"text": "hi"}).status_code == 401
    assert send(client, {"text": "hi"}, key="bdi_nope_nope").status_code == 401


def test_only_the_hash_of_a_key_is_stored(force, key):
    stored = InboxApiKey.objects.get()
    assert key not in (stored.key_hash, stored.prefix)
    assert stored.key_hash == InboxApiKey.hash_key(key)


def test_a_batch_is_ingested_triaged_and_deduplicated(client, force, key):
    body = {
        "messages": [
            {"id": "fb-1", "account": "york", "network": "simulated", "author_handle": "a",
             "text": "Is the Haxby road open?"},
            {"id": "fb-2", "account": "nyp", "network": "simulated", "author_handle": "b",
             "text": "Someone broke into my shed in Whitby and stole my bike",
             "received_at": "2026-03-04T10:00:00+00:00"},
        ]
    }  # fmt: skip
    response = send(client, body, key)
    assert response.status_code == 201
    results = response.json()["messages"]
    assert [r["duplicate"] for r in results] == [False, False]
    assert results[1]["district"] == "scarborough"
    assert results[1]["category"] == "crime_report"
    again = send(client, body, key).json()["messages"]
    assert [r["duplicate"] for r in again] == [True, True]
    assert Message.objects.count() == 2


def test_invalid_messages_are_explained_and_nothing_is_stored(client, force, key):
    response = send(
        client,
        {"messages": [{"text": "ok", "account": "york"}, {"account": "nowhere", "text": ""}]},
        key,
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["index"] == 1
    assert not Message.objects.exists()


def test_a_key_only_reaches_its_own_force(client, force, other_force):
    other_key = api_key_create(actor=None, force=other_force, name="Theirs")[1]
    response = send(client, {"text": "hi", "account": "york"}, other_key)
    assert response.status_code == 400
    assert not Message.objects.exists()


def test_a_revoked_key_stops_working(client, force, key):
    api_key_revoke(actor=None, key=InboxApiKey.objects.get())
    assert send(client, {"text": "hi", "account": "york"}, key).status_code == 401


def test_the_command_prints_a_working_key(client, force, capsys):
    call_command("inbox_api_key", "--force", force.slug, "--name", "Bridge")
    raw = capsys.readouterr().out.strip().splitlines()[-1]
    assert send(client, {"text": "hello?", "account": "york"}, raw).status_code == 201


@pytest.mark.django_db(transaction=True)
def test_an_emergency_in_a_batch_is_stored_even_if_storing_the_rest_fails(
    client, force, key, monkeypatch
):
    from beatdesk.inbox import ingest

    store_batch = ingest._store_batch
    calls = []

    def fail_after_the_first(batch, *args):
        calls.append([item.message.network_id for item in batch])
        if len(calls) > 1:
            raise ConnectionError("the database went away")
        return store_batch(batch, *args)

    monkeypatch.setattr(ingest, "_store_batch", fail_after_the_first)
    client.raise_request_exception = False
    body = {
        "messages": [
            {"id": "fb-1", "account": "york", "network": "simulated", "author_handle": "a",
             "text": "Is the Haxby road open?"},
            {"id": "fb-2", "account": "york", "network": "simulated", "author_handle": "b",
             "text": "my neighbour is screaming and he is hitting her right now, please send "
                     "someone"},
            {"id": "fb-3", "account": "york", "network": "simulated", "author_handle": "c",
             "text": "Parking question"},
        ]
    }  # fmt: skip
    assert send(client, body, key).status_code == 500
    assert calls == [["fb-2"], ["fb-1", "fb-3"]]
    stored = Message.objects.get()
    assert stored.network_id == "fb-2" and stored.is_emergency
    assert stored.conversation.is_emergency
    # The feed sends the batch again: the emergency is a duplicate, the rest are stored.
    monkeypatch.setattr(ingest, "_store_batch", store_batch)
    results = send(client, body, key).json()["messages"]
    assert [r["duplicate"] for r in results] == [False, True, False]
    assert Message.objects.count() == 3
