"""Replays HTTP exchanges (written from each network's API documentation) at the HTTP layer,
so the transport and its client library run for real down to the socket."""

from __future__ import annotations

import json
import time
from pathlib import Path

import responses

EXCHANGES = Path(__file__).parent / "exchanges"


def load(name: str) -> list[dict]:
    text = (EXCHANGES / name).read_text(encoding="utf-8")
    reset = str(int(time.time() + 300))
    return json.loads(text.replace("__RESET_IN_300S__", reset))


def replay(mock: responses.RequestsMock, base: str, *names: str) -> None:
    """Register every exchange in order; repeated requests get the responses in sequence."""
    for name in names:
        for exchange in load(name):
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
