"""A live Q&A session page with thousands of public viewers polling while the panel answers.

Sets up a throwaway database (the demo's North Yorkshire force, one live session with approved
questions), starts ``python -m beatdesk serve`` on loopback, opens VIEWERS keep-alive
connections that each poll the session's live fragment every POLL seconds exactly as the page's
htmx does (``live/?v=<version>``: 204 while nothing changed, the new fragment when it did), and
has a panel officer answer a question every few seconds through the real service. For every
viewer and answer it records the time from the answer's commit to the moment that viewer's
poll returned it. It also samples the server's memory (RSS of the gunicorn master and workers).

    .venv/bin/python bench/qa_live.py [--viewers 2000] [--answers 10] [--workers 3 --threads 8]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TAG_RE = re.compile(rb'data-version="([^"]+)"')


def setup_database(data_dir: Path) -> dict:
    os.environ.update(
        BEATDESK_DATA_DIR=str(data_dir),
        BEATDESK_SECRET_KEY=secrets.token_urlsafe(50),
        BEATDESK_HTTPS="false",
        BEATDESK_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_SETTINGS_MODULE="beatdesk.settings",
        BEATDESK_LOG_LEVEL="WARNING",
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from beatdesk.core.demo import DEMO_DIR
    from beatdesk.forces.config import force_import_file
    from beatdesk.forces.models import Account
    from beatdesk.people.models import Officer
    from beatdesk.qa import live, services
    from beatdesk.qa.models import Question, Session

    force = force_import_file(actor=None, path=DEMO_DIR / "north-yorkshire.yaml").force
    comms = Officer.objects.get(force=force, user__username="comms")
    panel = Officer.objects.get(force=force, user__username="pc.york")
    now = timezone.now()
    session = services.session_create(
        actor=comms,
        title="Ask the York team",
        accounts=[Account.objects.get(force=force, slug="york")],
        starts_at=now + timedelta(hours=2),
        ends_at=now + timedelta(hours=3),
        hashtag="AskYorkPolice",
        panel=[panel],
        opens_early=True,
    )
    # Benchmark set-up only: make it live now (the service refuses a start in the past).
    Session.objects.filter(pk=session.pk).update(
        starts_at=now - timedelta(minutes=5), ends_at=now + timedelta(hours=1)
    )
    topics = [
        "the burglaries in Haxby",
        "speeding on Tadcaster Road",
        "parking on Clifton Green",
        "bike thefts at the station",
        "anti-social behaviour in Dunnington",
        "drug dealing near the park",
        "the closure of the front counter",
        "e-scooters on the pavements",
        "fireworks in Bishopthorpe",
        "shoplifting in the city centre",
        "catalytic converter thefts",
        "cold callers in Copmanthorpe",
    ]
    questions = []
    for n, topic in enumerate(topics):
        q = services.question_submit(
            session=session, text=f"What is being done about {topic}?", client_key=f"seed-{n}"
        )
        services.question_approve(actor=comms, question=q)
        questions.append(q.pk)
    return {
        "force_slug": force.slug,
        "slug": Session.objects.get(pk=session.pk).slug,
        "session_id": session.pk,
        "panel_id": panel.pk,
        "questions": questions,
        "Question": Question,
        "tag": live.state(session.pk).tag,
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int, workers: int, threads: int) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "beatdesk",
            "serve",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--threads",
            str(threads),
        ],
        cwd=ROOT,
        env=os.environ.copy(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def wait_ready(port: int, path: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                s.sendall(
                    f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode()
                )
                if s.recv(12).startswith(b"HTTP/1.1 200"):
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("the server did not start")


def server_cpu(proc: subprocess.Popen) -> float:
    import psutil

    try:
        parent = psutil.Process(proc.pid)
        return sum(sum(p.cpu_times()[:2]) for p in [parent, *parent.children(recursive=True)])
    except psutil.Error:
        return 0.0


def server_rss(proc: subprocess.Popen) -> int:
    import psutil

    try:
        parent = psutil.Process(proc.pid)
        return sum(p.memory_info().rss for p in [parent, *parent.children(recursive=True)])
    except psutil.Error:
        return 0


class Viewer:
    """One browser tab: a keep-alive connection polling the live fragment."""

    def __init__(self, port: int, path: str, tag: str):
        self.port = port
        self.path = path
        self.tag = tag
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.seen: dict[bytes, float] = {}
        self.requests = 0
        self.errors = 0
        self.statuses: dict[int, int] = {}

    async def _connect(self) -> None:
        self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)

    async def poll(self, markers: list[bytes]) -> None:
        request = (
            f"GET {self.path}?v={self.tag} HTTP/1.1\r\nHost: 127.0.0.1\r\nHX-Request: true\r\n\r\n"
        ).encode()
        for attempt in range(2):
            try:
                if self.writer is None:
                    await self._connect()
                self.writer.write(request)
                await self.writer.drain()
                status_line = await self.reader.readline()
                if not status_line:
                    raise ConnectionError("closed")
                status = int(status_line.split()[1])
                length, close = 0, False
                while True:
                    line = await self.reader.readline()
                    if line in (b"\r\n", b""):
                        break
                    name, _, value = line.partition(b":")
                    name = name.strip().lower()
                    if name == b"content-length":
                        length = int(value.strip())
                    elif name == b"connection" and value.strip().lower() == b"close":
                        close = True
                body = await self.reader.readexactly(length) if length else b""
                if close:
                    self.writer.close()
                    self.writer = None
                break
            except (OSError, ConnectionError, asyncio.IncompleteReadError, ValueError):
                if self.writer is not None:
                    self.writer.close()
                self.writer = None
                if attempt:
                    self.errors += 1
                    return
        self.requests += 1
        self.statuses[status] = self.statuses.get(status, 0) + 1
        if status == 200:
            now = time.monotonic()
            found = TAG_RE.search(body)
            if found:
                self.tag = found.group(1).decode()
            for marker in markers:
                if marker not in self.seen and marker in body:
                    self.seen[marker] = now

    async def run(self, markers: list[bytes], stop: asyncio.Event, every: float) -> None:
        await asyncio.sleep(random.uniform(0, every))  # tabs opened at different moments
        next_at = time.monotonic()
        while not stop.is_set():
            await self.poll(markers)
            next_at += every
            await asyncio.sleep(max(0.0, next_at - time.monotonic()))
        if self.writer is not None:
            self.writer.close()


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


async def main_async(args, ctx: dict, port: int, proc: subprocess.Popen) -> dict:
    from beatdesk.qa.services import answer_create

    path = f"/{ctx['force_slug']}/qa/{ctx['slug']}/live/"
    initial = ctx["tag"]
    markers = [f"ANSWER-{n:03d}".encode() for n in range(args.answers)]
    viewers = [Viewer(port, path, initial) for _ in range(args.viewers)]
    stop = asyncio.Event()
    tasks = [asyncio.create_task(v.run(markers, stop, args.poll)) for v in viewers]
    rss_samples: list[int] = []
    answered_at: dict[bytes, float] = {}

    def panel_answers() -> None:
        from django.db import close_old_connections

        from beatdesk.people.models import Officer

        officer = Officer.objects.get(pk=ctx["panel_id"])
        time.sleep(args.warmup)
        for n, question_id in enumerate(ctx["questions"][: args.answers]):
            question = ctx["Question"].objects.get(pk=question_id)
            answer_create(
                actor=officer,
                question=question,
                text=f"{markers[n].decode()}: extra patrols are planned; thank you for asking.",
            )
            answered_at[markers[n]] = time.monotonic()
            time.sleep(args.interval)
        close_old_connections()

    panel = threading.Thread(target=panel_answers)
    started = time.monotonic()
    cpu_server_start = server_cpu(proc)
    cpu_client_start = time.process_time()
    panel.start()
    while panel.is_alive():
        rss_samples.append(server_rss(proc))
        await asyncio.sleep(0.5)
    await asyncio.sleep(max(2.0, 2 * args.poll))  # the last answer's stragglers
    rss_samples.append(server_rss(proc))
    stop.set()
    await asyncio.gather(*tasks)
    elapsed = time.monotonic() - started
    cpu_server = server_cpu(proc) - cpu_server_start
    cpu_client = time.process_time() - cpu_client_start

    latencies: list[float] = []
    missed = 0
    for v in viewers:
        for marker, at in answered_at.items():
            if marker in v.seen:
                latencies.append(max(0.0, v.seen[marker] - at))
            else:
                missed += 1
    statuses: dict[int, int] = {}
    for v in viewers:
        for code, count in v.statuses.items():
            statuses[code] = statuses.get(code, 0) + count
    requests = sum(v.requests for v in viewers)
    return {
        "latencies": latencies,
        "missed": missed,
        "requests": requests,
        "errors": sum(v.errors for v in viewers),
        "statuses": statuses,
        "elapsed": elapsed,
        "cpu_server": cpu_server,
        "cpu_client": cpu_client,
        "rss_peak": max(rss_samples),
        "rss_last": rss_samples[-1],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--viewers", type=int, default=2000)
    parser.add_argument("--answers", type=int, default=10)
    parser.add_argument("--interval", type=float, default=3.0, help="seconds between answers")
    parser.add_argument("--poll", type=float, default=1.0, help="the page's poll interval")
    parser.add_argument("--warmup", type=float, default=5.0)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="beatdesk-bench-") as tmp:
        ctx = setup_database(Path(tmp))
        port = free_port()
        proc = start_server(port, args.workers, args.threads)
        try:
            wait_ready(port, f"/{ctx['force_slug']}/qa/{ctx['slug']}/live/")
            result = asyncio.run(main_async(args, ctx, port, proc))
        finally:
            proc.terminate()
            proc.wait(timeout=10)
    lat = result["latencies"]
    p50, p95, p99 = (percentile(lat, p) for p in (50, 95, 99)) if lat else (0, 0, 0)
    rate = result["requests"] / result["elapsed"]
    print(f"viewers                 {args.viewers} (poll every {args.poll:.1f} s, keep-alive)")
    print(f"server                  gunicorn, {args.workers} workers x {args.threads} threads")
    print(f"answers published       {args.answers}, one every {args.interval:.1f} s")
    print(f"polls served            {result['requests']} ({rate:.0f}/s), errors {result['errors']}")
    print(
        f"CPU (2 cores shared)    server {result['cpu_server'] / result['elapsed']:.2f} cores, "
        f"viewers' client {result['cpu_client'] / result['elapsed']:.2f} cores"
    )
    print(f"responses by status     {dict(sorted(result['statuses'].items()))}")
    print(
        f"answer -> visible       p50 {p50:.3f} s, p95 {p95:.3f} s, p99 {p99:.3f} s, "
        f"max {max(lat) if lat else 0:.3f} s over {len(lat)} viewer-answers"
    )
    print(f"viewer-answers missed   {result['missed']}")
    print(
        f"server RSS              peak {result['rss_peak'] / 2**20:.0f} MiB, "
        f"end {result['rss_last'] / 2**20:.0f} MiB"
    )
    print(
        f"RESULT viewers={args.viewers} polls_per_s={rate:.0f} p50_s={p50:.3f} p95_s={p95:.3f} "
        f"p99_s={p99:.3f} missed={result['missed']} errors={result['errors']} "
        f"rss_peak_mib={result['rss_peak'] / 2**20:.0f} mean_s={statistics.fmean(lat) if lat else 0:.3f}"
    )


if __name__ == "__main__":
    main()
