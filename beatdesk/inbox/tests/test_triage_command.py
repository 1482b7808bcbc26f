"""``beatdesk triage``: what a force sees when it tests messages against its own setup."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from beatdesk.inbox.triage import ForceRule, classify
from beatdesk.inbox.triage.context import account_context, account_districts, force_context


def run(*args, stdin: str | None = None, monkeypatch=None):
    out, err = io.StringIO(), io.StringIO()
    if stdin is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    error = None
    try:
        call_command("triage", *args, stdout=out, stderr=err)
    except CommandError as exc:
        error = exc
    lines = [json.loads(line) for line in out.getvalue().splitlines() if line.strip()]
    return lines, err.getvalue(), error


def test_plain_lines_from_a_file_without_a_force(tmp_path):
    path = tmp_path / "messages.txt"
    path.write_text(
        "someone is trying to get in through my back door right now\n"
        "\n"
        "What time does the station open on Saturday?\n",
        encoding="utf-8",
    )
    lines, err, error = run(str(path))
    assert error is None and err == ""
    assert [line["id"] for line in lines] == [1, 3]
    assert lines[0]["category"] == "emergency"
    assert lines[0]["priority"] == "urgent"
    assert lines[0]["district"] is None
    assert lines[0]["reasons"][0].startswith("emergency: ")
    assert lines[1]["category"] == "question"
    assert set(lines[0]) == {"id", "category", "priority", "district", "reasons"}


def test_json_lines_from_standard_input_keep_their_ids_and_order(monkeypatch):
    stdin = "\n".join(
        json.dumps(m)
        for m in [
            {"id": "x-1", "text": "Thanks for getting my bike back!", "channel": "hub"},
            {"id": 42, "text": "he's got a knife!!", "kind": "reply"},
        ]
    )
    lines, _err, error = run(stdin=stdin, monkeypatch=monkeypatch)
    assert error is None
    assert [(line["id"], line["category"]) for line in lines] == [
        ("x-1", "praise"),
        (42, "emergency"),
    ]


def test_bad_lines_are_reported_by_number_and_the_rest_still_triaged(tmp_path):
    path = tmp_path / "messages.jsonl"
    path.write_text(
        '{"id": 1, "text": "stolen bike on Bootham"}\n'
        '{"id": 2, "text": "broken\n'
        '{"id": 3}\n'
        '{"id": 4, "text": 7}\n'
        '{"id": 5, "text": "Keep up the good work"}\n',
        encoding="utf-8",
    )
    lines, err, error = run(str(path))
    assert [line["id"] for line in lines] == [1, 5]
    assert "line 2: not valid JSON" in err
    assert "line 3: the JSON object has no 'text'" in err
    assert "line 4: the JSON object has no 'text'" in err
    assert error is not None and "3 lines could not be triaged" in str(error)


def test_an_unreadable_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("triage", str(tmp_path / "missing.txt"), stdout=io.StringIO())


@pytest.mark.django_db
def test_unknown_force_is_a_clear_error(force, tmp_path):
    with pytest.raises(CommandError, match=r"There is no force 'nowhere'\. Known forces: "):
        call_command("triage", "--force", "nowhere", stdout=io.StringIO())


@pytest.mark.django_db
def test_with_a_force_districts_come_from_its_setup(force, tmp_path):
    path = tmp_path / "messages.jsonl"
    path.write_text(
        "\n".join(
            json.dumps(m)
            for m in [
                {"id": "a", "text": "Is the station open on Sunday?", "account": "scarborough"},
                {"id": "b", "text": "Car broken into on our drive, yo11 2ab", "account": "york"},
                {"id": "c", "text": "Lovely officer in Haxby today", "account": "nyp"},
                {"id": "d", "text": "Thanks PC Lund for the help", "account": "nyp"},
                {"id": "e", "text": "Anyone know about the road closure?", "account": "nyp"},
                {"id": "f", "text": "Bins on fire again", "account": "no-such-account"},
                {"id": "g", "text": "Anything happening in Whitby tonight?"},
            ]
        ),
        encoding="utf-8",
    )
    lines, err, error = run("--force", "north-yorkshire", str(path))
    districts = {line["id"]: line["district"] for line in lines}
    assert districts == {
        "a": "scarborough",  # the account addressed
        "b": "scarborough",  # a postcode beats the account
        "c": "york",  # a place
        "d": "scarborough",  # an officer
        "e": None,  # the force account speaks for no district
        "g": "scarborough",
    }
    assert "line 6: account 'no-such-account' is not an account of this force" in err
    assert error is not None


@pytest.mark.django_db
def test_force_context_holds_the_forces_places_postcodes_and_officers(force, other_force):
    context = force_context(force=force)
    assert context.places["haxby"] == "york"
    assert context.places["whitby"] == "scarborough"
    assert context.places["york"] == "york"  # district names count as places
    assert context.postcodes["YO11"] == "scarborough"
    assert "ZZ1" not in context.postcodes  # another force's postcode
    assert context.officers["pc holmes"] == "york"
    assert context.officers["holmes"] == "york"
    assert context.officers["2291"] == "york"
    assert context.officers["sgt walsh"] == "scarborough"
    # Staff with no district are not officers of any district.
    assert "shah" not in context.officers
    assert context.rules == []


@pytest.mark.django_db
def test_force_context_passes_rules_through_and_account_context_adds_the_district(force, account):
    rule = ForceRule(kind="keyword", pattern="flooding", priority="high")
    context = force_context(force=force, rules=[rule])
    assert context.rules == [rule]
    york = account_context(account=account("york"), base=context)
    assert york.account_district == "york"
    assert york.places is context.places  # the compiled matchers are shared
    result = classify("Flooding on the road again", york)
    assert result.priority == "high"
    assert result.district == "york"
    assert account_districts(force=force) == {
        "nyp": None,
        "york": "york",
        "scarborough": "scarborough",
    }


@pytest.mark.django_db
def test_an_everyday_surname_only_counts_with_a_rank(force):
    from beatdesk.people.models import Officer

    officer = Officer.objects.get(force=force, surname="Walsh")
    officer.surname = "Price"
    officer.save()
    context = force_context(force=force)
    assert "price" not in context.officers
    assert context.officers["sgt price"] == "scarborough"
