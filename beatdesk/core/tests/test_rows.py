"""``core.rows``: many rows of one model in one statement (``COPY`` on PostgreSQL where the
keys are known or not needed)."""

from datetime import UTC, datetime

import pytest
from django.db import IntegrityError, transaction

from beatdesk.core.rows import insert_rows, insert_values, reserve_ids, unsaved
from beatdesk.inbox.models import Arrival

pytestmark = pytest.mark.django_db

AWKWARD = "tab\there, a new line\nand back\\slashes \\N, a quote ' \" and a \u2603"


def _arrivals(force, texts):
    when = datetime(2026, 11, 27, 9, 30, tzinfo=UTC)
    return [
        unsaved(
            Arrival,
            {"text": text, "kind": "mention", "received_at": when, "urgency": -0.5 * i},
            {"force": force, "channel": None, "account": None},
        )
        for i, text in enumerate(texts)
    ]


def test_new_rows_are_given_their_keys(force):
    rows = _arrivals(force, ["one", "two"])
    insert_rows(Arrival, rows)
    assert all(row.pk and not row._state.adding for row in rows)
    assert {a.pk: a.text for a in Arrival.objects.all()} == {rows[0].pk: "one", rows[1].pk: "two"}


def test_rows_whose_keys_are_not_needed_go_in_whole(force):
    insert_rows(Arrival, _arrivals(force, [AWKWARD, "plain"]), keys=False)
    stored = list(Arrival.objects.order_by("-urgency"))
    assert [a.text for a in stored] == [AWKWARD, "plain"]
    assert stored[0].received_at == datetime(2026, 11, 27, 9, 30, tzinfo=UTC)
    assert stored[1].urgency == -0.5
    assert stored[0].channel_id is None and stored[0].claimed_until is None


def test_rows_with_known_keys_keep_them_and_a_duplicate_key_is_an_integrity_error(force):
    rows = _arrivals(force, ["first", "second"])
    keys = reserve_ids(Arrival, 2) or [101, 102]
    for row, key in zip(rows, keys, strict=True):
        row.pk = key
    insert_rows(Arrival, rows)
    assert sorted(Arrival.objects.values_list("pk", flat=True)) == sorted(keys)
    again = _arrivals(force, ["again"])
    again[0].pk = keys[0]
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_rows(Arrival, again)
    assert Arrival.objects.count() == 2


def test_values_go_in_without_model_instances(force):
    when = datetime(2026, 11, 27, 9, 30, tzinfo=UTC)
    names = ("force_id", "text", "kind", "received_at", "urgency", "network_id", "in_reply_to",
             "author_handle", "author_name", "sender_email", "raw_html", "taken_in_at")  # fmt: skip
    row = [force.pk, AWKWARD, "mention", when, 1.5, "n-1", "", "jo", "", "", "", when]
    insert_values(Arrival, names, [row])
    insert_values(Arrival, names, [])
    (stored,) = Arrival.objects.all()
    assert (stored.text, stored.received_at, stored.urgency, stored.network_id) == (
        AWKWARD,
        when,
        1.5,
        "n-1",
    )
    # Columns not named take the database's default: NULL here.
    assert stored.channel_id is None and stored.claimed_until is None
