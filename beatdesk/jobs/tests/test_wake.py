"""Waking an idle worker: at once in this process, and on PostgreSQL from any process."""

import threading

import pytest
from django.db import connection

from beatdesk.jobs import registry

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="NOTIFY and LISTEN are PostgreSQL's"
)


class _Deaf(threading.Event):
    """This process's wake-up event, as another process sees it: never set from here."""

    def set(self) -> None:
        pass


def idle_in_thread(*args) -> threading.Thread:
    waiter = threading.Thread(target=registry._idle, args=args)
    waiter.start()
    return waiter


@pytest.mark.django_db
def test_an_idle_worker_starts_at_once_when_woken():
    waiter = idle_in_thread(threading.Event(), 60.0)
    registry.wake()
    waiter.join(timeout=5)
    assert not waiter.is_alive()


def test_an_idle_worker_stops_when_told():
    stop = threading.Event()
    waiter = idle_in_thread(stop, 60.0)
    stop.set()
    waiter.join(timeout=5)
    assert not waiter.is_alive()


@pytest.mark.django_db(transaction=True)
@postgresql_only
def test_a_wake_from_another_process_reaches_an_idle_worker(monkeypatch):
    monkeypatch.setattr(registry, "_WOKEN", _Deaf())
    listener = registry._Listener()
    listener._open()  # listening before the wake is sent
    try:
        waiter = idle_in_thread(threading.Event(), 60.0, listener)
        registry.wake()
        waiter.join(timeout=10)
        assert not waiter.is_alive()
    finally:
        listener.close()


@pytest.mark.django_db(transaction=True)
@postgresql_only
def test_a_listening_worker_waits_its_time_when_nobody_wakes_it(monkeypatch):
    monkeypatch.setattr(registry, "_WOKEN", _Deaf())
    listener = registry._Listener()
    try:
        assert listener.wait(0.2) is False
        registry.wake()
        assert listener.wait(5) is True
        assert listener.wait(0.2) is False
    finally:
        listener.close()


def test_a_worker_that_cannot_listen_waits_by_the_clock_and_tries_again_later(monkeypatch):
    listener = registry._Listener()
    opened = []

    def broken():
        opened.append(1)
        raise OSError("the database is down")

    monkeypatch.setattr(listener, "_open", broken)
    assert listener.wait(0.01) is False
    assert listener.wait(0.01) is False
    assert len(opened) == 1  # not asked again before LISTEN_RETRY_SECONDS
    listener._retry_at = 0.0
    assert listener.wait(0.01) is False
    assert len(opened) == 2


@pytest.mark.django_db
def test_a_worker_warms_up_before_its_first_loop_and_starts_even_if_warming_fails(
    monkeypatch, caplog
):
    calls = []
    stop = threading.Event()

    def failing():
        calls.append("failing")
        raise RuntimeError("model file unreadable")

    def run_due(**kwargs):
        calls.append("loop")
        stop.set()
        return 0

    monkeypatch.setattr(registry, "_WARMERS", [failing, lambda: calls.append("warm")])
    monkeypatch.setattr(registry, "run_due", run_due)
    registry.worker_loop(stop=stop, poll_seconds=0.01)
    assert calls == ["failing", "warm", "loop"]
    assert "warming up" in caplog.text and "model file unreadable" in caplog.text


def test_the_worker_loads_triage_before_the_first_arrival_waits_on_it():
    from beatdesk.inbox.jobs import load_triage
    from beatdesk.inbox.triage import model

    assert load_triage in registry._WARMERS
    model.load.cache_clear()
    model._urgency_weights.cache_clear()
    load_triage()
    assert model.load.cache_info().currsize == 1
    assert model._urgency_weights.cache_info().currsize == 1
