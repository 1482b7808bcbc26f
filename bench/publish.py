"""Publishing benchmark: deliveries per second through the outbox worker with the simulated
network, and the time from submitting the compose form to the post being publicly readable.

    .venv/bin/python bench/publish.py                       # SQLite and PostgreSQL
    .venv/bin/python bench/publish.py --databases sqlite --posts 1000

Throughput: the posts are scheduled an hour ahead, then ``--workers`` worker processes (one
per CPU by default, as a deployment runs ``beatdesk worker``) send every delivery; each worker
starts Django before the clock starts. ``--workers 1 --profile`` profiles one worker.

Each database runs in its own process on a fresh database (a temporary SQLite file; on
PostgreSQL the database named by --pg-url, dropped and recreated). Prints figures and ends with
one RESULT line. Goals: 1,000 deliveries/s; submit to hub-visible under 100 ms median.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/publishing_bench"


def child(args: argparse.Namespace) -> dict:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "beatdesk.settings")
    import django

    django.setup()
    from datetime import timedelta

    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import NoReverseMatch, reverse
    from django.utils import timezone

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"migrated in {time.perf_counter() - t0:.1f}s", file=sys.stderr)
    from beatdesk.core.testing import TEST_FORCE, TEST_PASSWORD, import_force_text
    from beatdesk.forces.models import Account
    from beatdesk.people.models import Officer
    from beatdesk.publishing import outbox
    from beatdesk.publishing.models import Delivery, Post
    from beatdesk.publishing.services import PartInput, post_create

    force = import_force_text(TEST_FORCE, "bench.yaml")
    officers = {
        "york": Officer.objects.get(force=force, user__username="officer_york"),
        "scarborough": Officer.objects.get(force=force, user__username="officer_scarborough"),
        "nyp": Officer.objects.get(force=force, user__username="comms"),
    }
    accounts = {slug: Account.objects.get(force=force, slug=slug) for slug in officers}

    # 1. Throughput: posts scheduled an hour ahead, then the worker sends them all at once.
    start = timezone.now()
    when = start + timedelta(hours=1)
    slugs = list(officers)
    t0 = time.perf_counter()
    for n in range(args.posts):
        slug = slugs[n % len(slugs)]
        post_create(
            actor=officers[slug],
            account=accounts[slug],
            parts=[PartInput(text=f"Bench post {n}: roadworks on the A64 tonight.")],
            client_token=f"bench-{n}",
            scheduled_for=when,
        )
    create_seconds = time.perf_counter() - t0
    print(f"created {args.posts} posts in {create_seconds:.1f}s", file=sys.stderr)
    deliveries = Delivery.objects.count()
    send_at = when + timedelta(seconds=1)
    if args.workers == 1:
        send_seconds, send_cpu = send_all(args, send_at)
    else:
        send_seconds, send_cpu = send_with_workers(args, send_at)
    sent = Delivery.objects.filter(state=Delivery.State.SENT).count()
    assert sent == deliveries, f"{sent} of {deliveries} sent"
    outbox.clock = timezone.now

    # 2. Latency: the desk's compose form, then a public read of the post.
    client = Client()
    assert client.login(username="officer_york", password=TEST_PASSWORD)
    compose_url = reverse("publishing:compose", args=["york"])
    try:
        reverse("hub:post", args=[force.slug, 1])
        hub_page = True
    except NoReverseMatch:
        hub_page = False
    public = Client()
    latencies = []
    for n in range(args.latency_samples):
        t0 = time.perf_counter()
        response = client.post(
            compose_url,
            {"client_token": f"lat-{n}", "part_count": "1", "when": "now",
             "part-0-text": f"Latency sample {n}"},
        )  # fmt: skip
        assert response.status_code == 302, response.content.decode()[-3000:]
        post_id = int(response["Location"].rstrip("/").rsplit("/", 1)[1])
        while True:
            if hub_page:
                visible = public.get(reverse("hub:post", args=[force.slug, post_id]))
                if visible.status_code == 200:
                    break
            elif Post.objects.filter(pk=post_id, state__in=Post.PUBLIC_STATES).exists():
                break
            outbox.run_outbox()
        latencies.append((time.perf_counter() - t0) * 1000)
    latencies.sort()
    return {
        "database": connection.vendor,
        "posts": args.posts,
        "deliveries": deliveries,
        "workers": args.workers,
        "create_posts_per_s": args.posts / create_seconds,
        "send_seconds": send_seconds,
        "deliveries_per_s": deliveries / send_seconds,
        "deliveries_per_cpu_s": deliveries / send_cpu,
        "latency_median_ms": statistics.median(latencies),
        "latency_p99_ms": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))],
        "visible_by": "hub post page" if hub_page else "published state (public read)",
    }


def send_all(args: argparse.Namespace, send_at) -> tuple[float, float]:
    """Run the outbox in this process until nothing is left: (wall seconds, CPU seconds)."""
    from beatdesk.publishing import outbox

    outbox.clock = lambda: send_at
    t0, c0 = time.perf_counter(), time.process_time()
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    while outbox.run_outbox(limit=args.batch):
        pass
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    if args.profile:
        profiler.disable()
        profiler.dump_stats("/tmp/publish.prof")
    from django.utils import timezone

    outbox.clock = timezone.now
    return wall, cpu


def send_with_workers(args: argparse.Namespace, send_at) -> tuple[float, float]:
    """Several worker processes (as `beatdesk worker` runs, one per CPU) share the outbox;
    each starts Django first and then waits for the same start signal, so start-up is not
    timed. Wall time runs from the signal to the last worker's finish."""
    with tempfile.TemporaryDirectory() as tmp:
        go = Path(tmp) / "go"
        procs = [
            subprocess.Popen(
                [
                    sys.executable,
                    __file__,
                    "--send-worker",
                    str(go),
                    send_at.isoformat(),
                    "--batch",
                    str(args.batch),
                ],
                stdout=subprocess.PIPE,
                text=True,
                cwd=ROOT,
            )
            for _ in range(args.workers)
        ]
        time.sleep(0.5)
        while not all((Path(tmp) / f"ready-{p.pid}").exists() for p in procs):
            time.sleep(0.05)
        t0 = time.time()
        go.touch()
        results = []
        for proc in procs:
            out, _ = proc.communicate()
            if proc.returncode != 0:
                raise SystemExit(f"a send worker failed ({proc.returncode})")
            results.append(json.loads(out.strip().splitlines()[-1]))
    return max(r["end"] for r in results) - t0, sum(r["cpu"] for r in results)


def send_worker(go: str, send_at: str, batch: int) -> dict:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "beatdesk.settings")
    import django

    django.setup()
    from datetime import datetime

    from beatdesk.publishing import outbox
    from beatdesk.publishing.models import Delivery

    when = datetime.fromisoformat(send_at)
    outbox.clock = lambda: when
    Delivery.objects.exists()  # connect before the signal
    Path(go).with_name(f"ready-{os.getpid()}").touch()
    while not Path(go).exists():
        time.sleep(0.001)
    c0 = time.process_time()
    while True:
        if outbox.run_outbox(limit=batch):
            continue
        if not Delivery.objects.filter(state__in=outbox.CLAIMABLE, due_at__lte=when).exists():
            break
    return {"end": time.time(), "cpu": time.process_time() - c0}


def run_child(database: str, args: argparse.Namespace) -> dict:
    env = dict(
        os.environ,
        BEATDESK_TESTING="true",
        BEATDESK_SECRET_KEY="bench-" + "x" * 60,
        BEATDESK_ALLOWED_HOSTS="testserver,localhost",
    )
    with tempfile.TemporaryDirectory() as tmp:
        env["BEATDESK_DATA_DIR"] = tmp
        env["BEATDESK_MEDIA_DIR"] = str(Path(tmp) / "media")
        if database == "sqlite":
            env["BEATDESK_DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
        else:
            env["BEATDESK_DATABASE_URL"] = args.pg_url
            reset_postgres(args.pg_url)
        out = subprocess.run(
            [sys.executable, __file__, "--child",
             "--posts", str(args.posts), "--batch", str(args.batch),
             "--latency-samples", str(args.latency_samples), "--workers", str(args.workers),
             *(["--profile"] if args.profile else [])],
            env=env, capture_output=True, text=True, check=False, cwd=ROOT,
        )  # fmt: skip
    if out.returncode != 0:
        raise SystemExit(f"{database} run failed:\n{out.stderr[-3000:]}")
    sys.stderr.write(out.stderr[-2000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def reset_postgres(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--posts", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=200)
    parser.add_argument("--latency-samples", type=int, default=200)
    parser.add_argument("--pg-url", default=os.environ.get("BENCH_PG_URL", DEFAULT_PG))
    parser.add_argument(
        "--workers", type=int, default=os.cpu_count() or 1,
        help="worker processes sending (default: one per CPU)",
    )  # fmt: skip
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--send-worker", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--profile", action="store_true", help="profile the worker (stderr)")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args)))
        return
    if args.send_worker:
        print(json.dumps(send_worker(*args.send_worker, args.batch)))
        return
    results = {}
    for database in args.databases.split(","):
        r = run_child(database, args)
        results[database] = r
        print(
            f"{database}: {r['posts']} posts -> {r['deliveries']} deliveries sent in "
            f"{r['send_seconds']:.2f}s by {r['workers']} worker(s) = "
            f"{r['deliveries_per_s']:.0f} deliveries/s "
            f"({r['deliveries_per_cpu_s']:.0f} per CPU-second of the worker processes) "
            f"(posts created at {r['create_posts_per_s']:.0f}/s); submit to visible "
            f"({r['visible_by']}): median {r['latency_median_ms']:.1f} ms, "
            f"p99 {r['latency_p99_ms']:.1f} ms"
        )
    fields = []
    for database, r in results.items():
        fields += [
            f"{database}_deliveries_per_s={r['deliveries_per_s']:.0f}",
            f"{database}_deliveries_per_worker_cpu_s={r['deliveries_per_cpu_s']:.0f}",
            f"{database}_visible_median_ms={r['latency_median_ms']:.1f}",
            f"{database}_visible_p99_ms={r['latency_p99_ms']:.1f}",
        ]
    load = os.getloadavg()[0]
    print(f"load average during the run: {load:.1f} on {os.cpu_count()} CPUs")
    print("RESULT " + " ".join(fields) + f" load_average={load:.1f}")


if __name__ == "__main__":
    main()
