import csv
import io

import pytest

from beatdesk.core.csvsafe import csv_response, neutralise, rows_to_csv
from beatdesk.core.tests.hostile import PAYLOADS


@pytest.mark.parametrize(
    "value", ["=1+1", "+1", "-1+2", "@SUM(A1)", "\t=1", "\r=1", PAYLOADS["csv_formula"]]
)
def test_formula_starts_are_neutralised(value):
    assert neutralise(value) == "'" + value


@pytest.mark.parametrize("value", ["hello", "1+1", "a=b", " =1", "", "💥 ok"])
def test_ordinary_text_is_unchanged(value):
    assert neutralise(value) == value


def test_none_and_numbers_and_nul():
    assert neutralise(None) == ""
    assert neutralise(42) == "42"
    assert neutralise("a\x00b") == "ab"


def test_rows_round_trip_through_a_csv_reader():
    text = rows_to_csv([["name", "note"], ["=cmd|' /C calc'!A0", 'quote " and, comma']])
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1] == ["'=cmd|' /C calc'!A0", 'quote " and, comma']


def test_download_response_is_an_attachment_with_a_safe_name():
    response = csv_response([["a"], ["=b"]], 'bad"name\r\n.csv')
    assert response["Content-Disposition"] == 'attachment; filename="badname.csv"'
    body = b"".join(response.streaming_content).decode()
    assert body == "\ufeffa\r\n'=b\r\n"
