"""Whether Beatdesk is doing its work: the worker's heartbeat, ``/healthz`` and
``beatdesk health``."""

import json
import threading
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from beatdesk.jobs import health, registry
from beatdesk.jobs.models import WorkerBeat

pytestmark = pytest.mark.django_db


def beat(minutes_ago: float = 0.0, name: str = "host:1:1") -> WorkerBeat:
    at = timezone.now() - timedelta(minutes=minutes_ago)
    return WorkerBeat.objects.create(name=name, started_at=at, beat_at=at)


def test_a_worker_says_it_is_alive_while_it_loops_and_goes_when_it_stops(monkeypatch):
    seen = []
    stop = threading.Event()
    beat(minutes_ago=25 * 60, name="gone:9:9")  # died a day ago: forgotten when one starts

    def run_due(**kwargs):
        seen.append(list(WorkerBeat.objects.values_list("name", flat=True)))
        stop.set()
        return 0

    monkeypatch.setattr(registry, "_WARMERS", [])
    monkeypatch.setattr(registry, "run_due", run_due)
    # The loop would close this test's connection, and with it the test's transaction.
    monkeypatch.setattr(registry, "close_old_connections", lambda: None)
    registry.worker_loop(stop=stop, poll_seconds=0.01)
    assert len(seen) == 1 and len(seen[0]) == 1
    assert seen[0][0].endswith(f":{threading.get_ident()}")
    assert not WorkerBeat.objects.exists()  # a clean stop takes its row away


def test_a_worker_renews_its_beat_at_most_every_interval(monkeypatch):
    heart = registry._Heartbeat()
    heart.beat()
    first = WorkerBeat.objects.get().beat_at
    heart.beat()  # too soon: nothing written
    assert WorkerBeat.objects.get().beat_at == first
    monkeypatch.setattr(registry, "HEARTBEAT_SECONDS", 0.0)
    heart._next = 0.0
    heart.beat()
    assert WorkerBeat.objects.get().beat_at > first
    assert WorkerBeat.objects.count() == 1


def test_a_worker_renews_its_beat_between_jobs_so_a_loop_of_slow_jobs_is_not_silent(
    monkeypatch,
):
    stop = threading.Event()
    seen = []

    def slow(name):
        def run():
            seen.append((name, WorkerBeat.objects.get().beat_at))
            if len(seen) == 2:
                stop.set()
            return 0

        return run

    jobs = {name: registry.Job(name=name, run=slow(name)) for name in ("a.poll", "b.send")}
    monkeypatch.setattr(registry, "_JOBS", jobs)
    monkeypatch.setattr(registry, "_WARMERS", [])
    monkeypatch.setattr(registry, "HEARTBEAT_SECONDS", 0.0)
    monkeypatch.setattr(registry, "close_old_connections", lambda: None)
    registry.worker_loop(stop=stop, poll_seconds=0.01)
    assert [name for name, _ in seen] == ["a.poll", "b.send"]
    assert seen[1][1] > seen[0][1]  # beaten again before the second job, not after the loop


def test_a_heartbeat_that_cannot_be_written_does_not_stop_the_worker(monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("database is locked")

    monkeypatch.setattr(WorkerBeat.objects, "filter", broken)
    registry._Heartbeat().beat()
    assert "recording that the worker is alive failed" in caplog.text


def test_healthz_passes_when_the_database_answers_and_a_worker_is_running(client):
    beat(minutes_ago=0.2)
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    body = response.json()
    assert body["status"] == "ok"
    assert list(body["checks"]) == ["database", "arrivals", "outbox", "worker"]
    assert body["checks"]["worker"]["running"] == 1
    assert body["checks"]["worker"]["last_seen_seconds"] in (11, 12, 13)
    assert "1 worker running" in body["checks"]["worker"]["summary"]


def test_healthz_fails_when_no_worker_has_run_or_the_last_went_silent(client):
    body = client.get(reverse("healthz")).json()
    assert body["status"] == "failing"
    assert body["checks"]["worker"] == {
        "ok": False,
        "summary": "No worker has ever run: nothing is sent to the networks, polled from them "
        "or sorted in the background. Start one with `beatdesk worker`.",
        "running": 0,
        "last_seen_seconds": None,
    }
    beat(minutes_ago=5)
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["checks"]["worker"]["summary"].startswith(
        "No worker has looked in for 5 min:"
    )
    assert response.json()["checks"]["database"]["ok"] is True


def test_a_load_balancer_asks_for_the_database_alone_and_an_unknown_check_is_refused(client):
    assert client.get(reverse("healthz"), {"check": "database"}).status_code == 200
    refused = client.get(reverse("healthz"), {"check": ["database", "wroker"]})
    assert refused.status_code == 400
    assert refused.json()["error"] == "No such check: wroker."
    assert "worker" in refused.json()["checks"]
    assert client.post(reverse("healthz")).status_code == 405


def test_a_check_that_cannot_run_is_failing_not_passing(client, monkeypatch):
    def down(now):
        raise ConnectionError("server closed the connection")

    monkeypatch.setitem(health._CHECKS, "database", down)
    response = client.get(reverse("healthz"), {"check": "database"})
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == {
        "ok": False,
        "summary": "Could not be checked: ConnectionError.",
    }


def test_the_health_command_prints_each_check_and_fails_for_a_monitor():
    beat(minutes_ago=0)
    out = StringIO()
    call_command("health", stdout=out)
    lines = out.getvalue().splitlines()
    assert [line.split()[:2] for line in lines] == [
        ["ok", "database"],
        ["ok", "arrivals"],
        ["ok", "outbox"],
        ["ok", "worker"],
    ]
    WorkerBeat.objects.update(beat_at=timezone.now() - timedelta(hours=3, minutes=5))
    out = StringIO()
    with pytest.raises(CommandError, match=r"^Failing: worker\.$") as failed:
        call_command("health", "--check", "worker", "--json", stdout=out)
    assert failed.value.returncode == 1
    assert json.loads(out.getvalue())["worker"]["summary"].startswith(
        "No worker has looked in for 3 h 5 min:"
    )


def test_a_load_balancer_is_answered_over_plain_http_where_pages_redirect_to_https(
    client, settings, tmp_path
):
    import ast

    from beatdesk.core.tests.test_headers import with_production_settings

    production = with_production_settings(
        tmp_path,
        "from beatdesk import settings as s; print(s.SECURE_SSL_REDIRECT, s.SECURE_REDIRECT_EXEMPT)",
    )
    redirect, exempt = production.stdout.split(" ", 1)
    assert redirect == "True", production.stderr
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_REDIRECT_EXEMPT = ast.literal_eval(exempt)
    assert client.get("/desk/login/").status_code == 301
    assert client.get("/healthz", {"check": "database"}).status_code == 200


def test_a_probe_by_the_servers_own_address_is_answered_where_pages_refuse_that_host(
    client, settings
):
    settings.ALLOWED_HOSTS = ["desk.example.org"]
    beat(minutes_ago=0)
    probe = client.get("/healthz", {"check": "database"}, HTTP_HOST="10.0.3.17:8000")
    assert probe.status_code == 200
    assert probe.json()["status"] == "ok"
    assert probe["X-Content-Type-Options"] == "nosniff"  # SecurityMiddleware still ran
    assert client.get("/healthz", HTTP_HOST="10.0.3.17:8000").status_code == 200
    # Every page still refuses a host it is not served under, /healthz/ included.
    assert client.get("/", HTTP_HOST="10.0.3.17:8000").status_code == 400
    assert client.get("/healthz/", HTTP_HOST="10.0.3.17:8000").status_code == 400
    assert client.get("/desk/login/", HTTP_HOST="desk.example.org").status_code == 200
