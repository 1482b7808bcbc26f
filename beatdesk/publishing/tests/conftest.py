from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from beatdesk.publishing import outbox
from beatdesk.publishing.services import PartInput, post_create


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    """Uploaded images go to a throwaway folder, not the install's media."""
    settings.MEDIA_ROOT = tmp_path / "media"


class Clock:
    """The outbox's time, moved forward by tests instead of sleeping."""

    def __init__(self) -> None:
        self.now = timezone.now()

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs) -> datetime:
        self.now += timedelta(**kwargs)
        return self.now


@pytest.fixture
def clock(monkeypatch):
    fake = Clock()
    monkeypatch.setattr(outbox, "clock", fake)
    return fake


@pytest.fixture
def compose():
    """``compose(officer, account, "text", ...)``: a post through the real service."""

    def make(officer, account, *texts: str, **kwargs):
        return post_create(
            actor=officer,
            account=account,
            parts=[PartInput(text=t) for t in texts] or [PartInput(text="Hello")],
            client_token=kwargs.pop("client_token", uuid.uuid4().hex),
            **kwargs,
        )

    return make


@pytest.fixture
def drain():
    """Run the outbox until nothing more is due now; returns how many rows it advanced."""

    def run(max_loops: int = 200) -> int:
        total = 0
        for _ in range(max_loops):
            done = outbox.run_outbox()
            total += done
            if not done:
                break
        return total

    return run
