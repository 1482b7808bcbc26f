"""CSV exports that a spreadsheet cannot turn into formulas.

A cell starting with = + - @, a tab or a carriage return is read as a formula by Excel and
LibreOffice (OWASP "CSV injection"); such cells get a leading apostrophe, which spreadsheets
show as plain text. Every export of text that came from the public or from staff goes through
``writer`` or ``neutralise``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from typing import Any

from django.http import StreamingHttpResponse

DANGEROUS_FIRST = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> str:
    text = "" if value is None else str(value)
    # NUL breaks some readers and has no place in an export.
    text = text.replace("\x00", "")
    if text.startswith(DANGEROUS_FIRST):
        return "'" + text
    return text


class SafeWriter:
    """A csv.writer whose every cell is neutralised."""

    def __init__(self, stream):
        self._writer = csv.writer(stream)

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow([neutralise(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(stream) -> SafeWriter:
    return SafeWriter(stream)


def rows_to_csv(rows: Iterable[Iterable[Any]]) -> str:
    buffer = io.StringIO()
    writer(buffer).writerows(rows)
    return buffer.getvalue()


def _stream(rows: Iterable[Iterable[Any]]) -> Iterator[str]:
    buffer = io.StringIO()
    out = writer(buffer)
    yield "\ufeff"  # so Excel reads UTF-8
    for row in rows:
        out.writerow(row)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate(0)


def csv_response(rows: Iterable[Iterable[Any]], filename: str) -> StreamingHttpResponse:
    """Stream ``rows`` (the first is the header) as a CSV download."""
    safe_name = "".join(c for c in filename if c.isalnum() or c in "-_.") or "export.csv"
    response = StreamingHttpResponse(_stream(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{safe_name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
