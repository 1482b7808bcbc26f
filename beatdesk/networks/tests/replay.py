"""Replays HTTP exchanges (written from each network's API documentation) at the HTTP layer,
so the transport and its client library run for real down to the socket.

Exchange files may carry placeholders (such as a rate-limit reset time, which must lie in the
future when the test runs); each network's tests say what to put in their place.
"""

from __future__ import annotations

import json
from pathlib import Path

import responses


def load(folder: Path, name: str, placeholders: dict[str, str]) -> list[dict]:
    text = (folder / name).read_text(encoding="utf-8")
    for placeholder, value in placeholders.items():
        text = text.replace(placeholder, value)
    return json.loads(text)


def replay(
    mock: responses.RequestsMock,
    base: str,
    folder: Path,
    *names: str,
    placeholders: dict[str, str] | None = None,
) -> None:
    """Register every exchange in order; repeated requests get the responses in sequence."""
    for name in names:
        for exchange in load(folder, name, placeholders or {}):
            request, response = exchange["request"], exchange["response"]
            body = response.get("body")
            mock.add(
                request["method"],
                base + request["path"],
                status=response["status"],
                headers=response.get("headers", {}),
                body=body if isinstance(body, str) else json.dumps(body),
                content_type="text/html" if isinstance(body, str) else "application/json",
            )
