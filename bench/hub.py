"""Benchmark the public hub: the production server alone, behind nginx, and nginx's ceiling.

    python bench/hub.py [--posts 100000] [--duration 10] [--connections 64]
    python bench/hub.py --posts 1000000 --search-only [--database postgres] [--keep DIR]

Seeds the demo force with N posts (spread over its accounts and officers, with tags and a
search index), starts `python -m beatdesk serve` on a free loopback port, and measures with wrk
(Debian: apt-get install wrk nginx) at 64 connections: the district page, an officer page, a
search results page and a feed, from the app alone; then the district page through nginx with
docs/deploy/nginx.conf; then the same bytes as a static file from nginx (the ceiling). Also
times uncached searches in-process (p50/p95) and how long a takedown takes to show through
nginx. Everything runs on 127.0.0.1 in a throwaway data folder; nothing is left running.
"""

from __future__ import annotations

import argparse
import getpass
import os
import random
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FORCE = "north-yorkshire"
WORDS = [
    "burglary",
    "theft",
    "vehicle",
    "appeal",
    "witness",
    "patrol",
    "speeding",
    "road",
    "closure",
    "missing",
    "person",
    "scam",
    "fraud",
    "parcel",
    "doorstep",
    "caller",
    "bike",
    "shed",
    "garden",
    "tools",
    "catalytic",
    "converter",
    "village",
    "community",
    "meeting",
    "drop-in",
    "surgery",
    "school",
    "safety",
    "drugs",
    "warrant",
    "arrest",
    "court",
    "charged",
    "anti-social",
    "behaviour",
    "park",
    "youth",
    "fireworks",
    "dog",
    "livestock",
    "rural",
    "farm",
    "quad",
    "tractor",
    "flooding",
    "weather",
    "bridge",
    "traffic",
    "collision",
    "injured",
    "hospital",
    "thank",
    "you",
    "support",
    "help",
    "report",
    "online",
    "call",
    "information",
    "cctv",
    "footage",
    "dashcam",
    "description",
    "male",
    "female",
    "jacket",
    "hood",
    "trainers",
    "white",
    "black",
    "silver",
    "van",
    "car",
    "motorbike",
    "scooter",
    "e-scooter",
    "bus",
    "station",
    "town",
    "centre",
    "high",
    "street",
    "market",
    "shop",
    "shoplifting",
    "licensed",
    "premises",
    "pub",
    "night",
    "out",
    "taxi",
]
TAGS = ["Burglary", "Roads", "Scams", "Rural crime", "Missing", "Community", "Drugs", "Appeals"]
SEARCHES = [
    "burglary",
    "catalytic converter",
    "missing person",
    "scam parcel",
    "speeding village",
    "dashcam footage",
    "quad bike",
    "shoplifting high street",
    "fireworks park",
    "flooding road",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def environment(data_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "BEATDESK_DATA_DIR": str(data_dir),
            "BEATDESK_SECRET_KEY": secrets.token_urlsafe(50),
            "BEATDESK_HTTPS": "false",
            "BEATDESK_DEBUG": "false",
            "BEATDESK_TESTING": "false",
            "BEATDESK_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "BEATDESK_LOG_LEVEL": "WARNING",
            "DJANGO_SETTINGS_MODULE": "beatdesk.settings",
        }
    )
    # SQLite in the throwaway folder, unless BENCH_DATABASE_URL names another database.
    if os.environ.get("BENCH_DATABASE_URL"):
        env["BEATDESK_DATABASE_URL"] = os.environ["BENCH_DATABASE_URL"]
    else:
        env.pop("BEATDESK_DATABASE_URL", None)
    return env


RARE = ["goathland", "ampleforth", "hovingham", "rievaulx", "sheep", "heron", "kayak", "quarry"]


def post_text(rng: random.Random) -> str:
    words = rng.sample(WORDS, rng.randint(12, 40))
    # A few words appear in about one post in 2,000: the "rare word" searches.
    if rng.random() < 0.004:
        words.insert(rng.randrange(len(words)), rng.choice(RARE))
    return " ".join(words).capitalize() + "."


PG_BENCH_URL = "postgres://postgres@127.0.0.1:5432/beatdesk_bench_hub"


def postgres_database(url: str) -> str:
    """Create the bench's PostgreSQL database when it does not exist; return its URL."""
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(base + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    return url


def seed(posts: int) -> dict:
    """Demo force + N posts, inserted in bulk with the search index built after the load.

    Rows are written with plain multi-row inserts (COPY on PostgreSQL), not model instances:
    1,000,000 posts is four million rows. On SQLite the full-text triggers are dropped during
    the load and the FTS5 index is rebuilt in one pass afterwards; on PostgreSQL the GIN index
    is dropped and recreated. Posts are published in id order (as they are in life), over the
    last year.
    """
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)
    from beatdesk.core.demo import demo_loaded, load_demo
    from beatdesk.forces.models import Account, Force
    from beatdesk.hub.models import SearchState
    from beatdesk.people.models import Membership, Officer
    from beatdesk.publishing.models import Post, Tag

    if not demo_loaded():
        load_demo()
    force = Force.objects.get(slug=FORCE)
    accounts = list(Account.objects.filter(force=force, is_active=True))
    members: dict[int, list[Officer]] = {}
    for m in Membership.objects.filter(force=force).select_related("officer"):
        members.setdefault(m.district_id, []).append(m.officer)
    everyone = list(Officer.objects.filter(force=force, is_active=True))
    tags = [
        Tag.objects.get_or_create(
            force=force, slug=name.lower().replace(" ", "-"), defaults={"name": name}
        )[0]
        for name in TAGS
    ]
    existing = Post.objects.filter(force=force).count()
    started = time.perf_counter()
    if existing >= posts:
        finish_postgres(connection)  # a load cut short still gets its index
    else:
        bulk_load(
            connection,
            transaction,
            force,
            accounts,
            members,
            everyone,
            tags,
            existing,
            posts,
            timezone.now(),
        )
    newest = (
        Post.objects.filter(force=force)
        .order_by("-updated_at")
        .values_list("updated_at", flat=True)
        .first()
    )
    SearchState.objects.update_or_create(force=force, defaults={"indexed_through": newest})
    print(
        f"\n  {Post.objects.filter(force=force).count():,} posts ready "
        f"({time.perf_counter() - started:.0f} s)"
    )
    officer = Officer.objects.get(force=force, user__username="pc.york")
    return {
        "district": f"/{FORCE}/districts/york/",
        "officer": f"/{FORCE}/officers/{officer.slug}/",
        "search": f"/{FORCE}/search/?q=catalytic+converter",
        "feed": f"/{FORCE}/districts/york/feed/",
        "force_id": force.pk,
        "officer_id": officer.pk,
        "york_accounts": tuple(
            a.pk for a in accounts if a.district_id and a.district.slug == "york"
        ),
        "tag_id": tags[0].pk,
    }


def bulk_load(
    connection, transaction, force, accounts, members, everyone, tags, existing, posts, now
) -> None:
    import importlib

    from beatdesk.hub.search import facet_words, normalized, sort_key

    fulltext = importlib.import_module("beatdesk.hub.migrations.0003_search_sort_key_facets")
    rng = random.Random(42 + existing)
    vendor = connection.vendor
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM publishing_post")
        next_id = cursor.fetchone()[0] + 1
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM publishing_postpart")
        next_part = cursor.fetchone()[0] + 1
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM publishing_post_tags")
        next_link = cursor.fetchone()[0] + 1
        # The index is built once, after the load.
        if vendor == "sqlite":
            cursor.execute("DROP TRIGGER IF EXISTS hub_search_ai")
            cursor.execute("PRAGMA synchronous = OFF")
        else:
            cursor.execute("DROP INDEX IF EXISTS hub_search_vector")
    span = timedelta(days=365).total_seconds()
    step = span / max(posts, 1)
    post_cols = (
        "id, force_id, account_id, author_id, state, signature, is_urgent, published_at, "
        "created_at, updated_at, removal_reason, review_note, client_token"
    )
    batch = 20_000
    made = existing
    load_started = time.perf_counter()
    while made < posts:
        size = min(batch, posts - made)
        post_rows, part_rows, link_rows, doc_rows = [], [], [], []
        for k in range(made, made + size):
            account = rng.choice(accounts)
            author = rng.choice(members.get(account.district_id) or everyone)
            when = now - timedelta(seconds=(posts - k) * step - rng.uniform(0, step * 0.9))
            text = post_text(rng)
            chosen = rng.sample(tags, rng.randint(0, 2))
            post_rows.append(
                (
                    next_id,
                    force.pk,
                    account.pk,
                    author.pk,
                    "published",
                    "^" + author.initials,
                    False,
                    when,
                    when,
                    when,
                    "",
                    "",
                    f"bench{next_id}",
                )
            )
            part_rows.append((next_part, next_id, 0, text))
            next_part += 1
            for tag in chosen:
                link_rows.append((next_link, next_id, tag.pk))
                next_link += 1
            body = normalized(" ".join([text, *(tag.name for tag in chosen)]))
            facets = facet_words(
                force_id=force.pk,
                account_id=account.pk,
                author_id=author.pk,
                tag_ids=[tag.pk for tag in chosen],
            )
            doc_rows.append((next_id, force.pk, when, body, sort_key(when, next_id), facets))
            next_id += 1
        with transaction.atomic():
            tables = [
                ("publishing_post", post_cols, post_rows),
                ("publishing_postpart", "id, post_id, position, text", part_rows),
                ("publishing_post_tags", "id, post_id, tag_id", link_rows),
                (
                    "hub_searchdocument",
                    "post_id, force_id, version, body, sort_key, facets",
                    doc_rows,
                ),
            ]
            with connection.cursor() as cursor:
                for table, cols, rows in tables:
                    insert_rows(connection, cursor, table, cols, rows)
        made += size
        rate = (made - existing) / (time.perf_counter() - load_started)
        print(f"  seeded {made:,} posts ({rate:,.0f}/s)", end="\r", flush=True)
    print(f"\n  rows loaded in {time.perf_counter() - load_started:.0f} s; building the index")
    with connection.cursor() as cursor:
        if vendor == "sqlite":
            cursor.execute("INSERT INTO hub_search_fts(hub_search_fts) VALUES ('rebuild')")
            cursor.execute(fulltext.SQLITE[1])  # the insert trigger again
            cursor.execute("INSERT INTO hub_search_fts(hub_search_fts) VALUES ('optimize')")
            cursor.execute("ANALYZE")
    finish_postgres(connection)


def finish_postgres(connection) -> None:
    """Sequences past the loaded ids, the GIN index (again), fresh statistics. Idempotent."""
    import importlib

    if connection.vendor != "postgresql":
        return
    gin = importlib.import_module("beatdesk.hub.migrations.0002_fulltext").POSTGRES[1]
    with connection.cursor() as cursor:
        for table in ("publishing_post", "publishing_postpart", "publishing_post_tags"):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT MAX(id) FROM {table}))"
            )
        cursor.execute("SET maintenance_work_mem = '512MB'")
        cursor.execute(gin.replace("CREATE INDEX", "CREATE INDEX IF NOT EXISTS"))
        cursor.execute("VACUUM ANALYZE")


def insert_rows(connection, cursor, table: str, cols: str, rows: list[tuple]) -> None:
    if not rows:
        return
    if connection.vendor == "postgresql":
        with cursor.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    adapt = connection.ops.adapt_datetimefield_value
    rows = [tuple(adapt(v) if isinstance(v, datetime) else v for v in row) for row in rows]
    marks = ", ".join(["%s"] * len(rows[0]))
    cursor.executemany(f"INSERT INTO {table} ({cols}) VALUES ({marks})", rows)


# (label, words, filters): common words (each in about a quarter of all posts), rare words,
# two and three words, no match, and each filter.
SEARCH_CASES = [
    ("common", "burglary", {}),
    ("common", "road", {}),
    ("common", "car", {}),
    ("two words", "catalytic converter", {}),
    ("two words", "missing person", {}),
    ("two words", "scam parcel", {}),
    ("two words", "quad bike", {}),
    ("three words", "shoplifting high street", {}),
    ("rare", "goathland", {}),
    ("rare", "heron kayak", {}),
    ("rare", "ampleforth burglary", {}),
    ("no match", "zebra", {}),
    ("district", "burglary", {"district": True}),
    ("officer", "dashcam footage", {"officer": True}),
    ("topic", "fireworks park", {"topic": True}),
    ("last week", "speeding village", {"days": 7}),
    ("a month last spring", "flooding road", {"window": (300, 270)}),
]


def search_timings(urls: dict, rounds: int) -> dict:
    """Uncached full-text searches in-process over SEARCH_CASES, page 1 and page 5.

    Returns p50/p95 of wall time and of this process's CPU time (on PostgreSQL the server's
    CPU is not included), in milliseconds, and the slowest case.
    """
    from django.utils import timezone

    from beatdesk.hub.search import SearchFilters, search_post_ids

    now = timezone.now()
    cases = []
    for label, text, spec in SEARCH_CASES:
        since = until = None
        if "days" in spec:
            since = now - timedelta(days=spec["days"])
        if "window" in spec:
            since = now - timedelta(days=spec["window"][0])
            until = now - timedelta(days=spec["window"][1])
        filters = SearchFilters(
            account_ids=urls["york_accounts"] if spec.get("district") else None,
            author_id=urls["officer_id"] if spec.get("officer") else None,
            tag_id=urls["tag_id"] if spec.get("topic") else None,
            since=since,
            until=until,
        )
        cases.append((label, text, filters))
    walls, cpus, worst = [], [], {}
    for _ in range(rounds):
        for label, text, filters in cases:
            for offset in (0, 80):
                w0, c0 = time.perf_counter(), time.process_time()
                search_post_ids(
                    force_id=urls["force_id"], text=text, filters=filters, limit=20, offset=offset
                )
                wall = (time.perf_counter() - w0) * 1000
                walls.append(wall)
                cpus.append((time.process_time() - c0) * 1000)
                name = f"{label}: {text!r} offset {offset}"
                worst[name] = max(worst.get(name, 0.0), wall)
    walls.sort()
    cpus.sort()

    def p95(xs):
        return xs[max(0, int(len(xs) * 0.95) - 1)]

    slowest = max(worst, key=worst.get)
    return {
        "p50": statistics.median(walls),
        "p95": p95(walls),
        "cpu_p50": statistics.median(cpus),
        "cpu_p95": p95(cpus),
        "max": walls[-1],
        "slowest": f"{slowest} ({worst[slowest]:.1f} ms)",
        "n": len(walls),
    }


def wait_for(url: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"server did not answer {url}")


def wrk(url: str, *, duration: int, connections: int) -> dict:
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", "--timeout", "5s", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))

    def pct(p):
        m = re.search(rf"\s{p}%\s+([\d.]+)(us|ms|s)\b", out)
        value, unit = float(m.group(1)), m.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": rps,
        "p50": pct(50),
        "p99": pct(99),
        "errors": int(errors.group(1)) if errors else 0,
    }


def nginx_config(
    work: Path, app_port: int, proxy_port: int, static_port: int, static_root: Path
) -> Path:
    documented = (ROOT / "docs" / "deploy" / "nginx.conf").read_text()
    conf = (
        documented.replace("/var/cache/nginx/beatdesk", str(work / "cache"))
        .replace("server 127.0.0.1:8000;", f"server 127.0.0.1:{app_port};")
        .replace("listen 80;", f"listen 127.0.0.1:{proxy_port};")
    )
    (work / "beatdesk.conf").write_text(conf)
    main = f"""
user {getpass.getuser()};
worker_processes auto;
pid {work}/nginx.pid;
error_log {work}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    client_body_temp_path {work}/body;
    proxy_temp_path {work}/proxy;
    fastcgi_temp_path {work}/fastcgi;
    uwsgi_temp_path {work}/uwsgi;
    scgi_temp_path {work}/scgi;
    include {work}/beatdesk.conf;
    server {{
        listen 127.0.0.1:{static_port};
        location / {{ root {static_root}; default_type text/html; }}
    }}
}}
"""
    path = work / "nginx.conf"
    path.write_text(main)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--workers", type=int, default=None, help="passed to beatdesk serve")
    parser.add_argument(
        "--keep", help="use and keep this data folder (posts already there are not seeded again)"
    )
    parser.add_argument(
        "--database",
        choices=("sqlite", "postgres"),
        default="sqlite",
        help="postgres: BENCH_DATABASE_URL, or the local server's beatdesk_bench_hub database "
        "(created when missing, kept between runs like --keep)",
    )
    parser.add_argument(
        "--search-only",
        action="store_true",
        help="seed and time searches in-process; skip the servers and wrk",
    )
    parser.add_argument("--rounds", type=int, default=5, help="rounds of the search cases")
    args = parser.parse_args()
    if not args.search_only:
        for tool in ("wrk", "nginx"):
            if not shutil.which(tool) and not Path(f"/usr/sbin/{tool}").exists():
                raise SystemExit(f"{tool} is missing: apt-get install -y wrk nginx")
    if args.database == "postgres" and not os.environ.get("BENCH_DATABASE_URL"):
        os.environ["BENCH_DATABASE_URL"] = postgres_database(PG_BENCH_URL)

    work = Path(tempfile.mkdtemp(prefix="beatdesk-bench-"))
    data_dir = Path(args.keep).resolve() if args.keep else work / "data"
    data_dir.mkdir(parents=True, exist_ok=True)
    env = environment(data_dir)
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    print(f"Seeding {args.posts:,} posts into the demo force ({args.database})")
    urls = seed(args.posts)
    timings = search_timings(urls, rounds=args.rounds)
    search_p50, search_p95 = timings["p50"], timings["p95"]
    print(
        f"uncached search over {args.posts:,} posts ({timings['n']} searches, "
        f"{len(SEARCH_CASES)} cases, pages 1 and 5): wall p50 {search_p50:.2f} ms, "
        f"p95 {search_p95:.2f} ms, max {timings['max']:.2f} ms; CPU p50 "
        f"{timings['cpu_p50']:.2f} ms, p95 {timings['cpu_p95']:.2f} ms; slowest "
        f"{timings['slowest']}"
    )
    if args.search_only:
        shutil.rmtree(work, ignore_errors=True)
        print(
            f"RESULT posts={args.posts} database={args.database} "
            f"search_uncached_p50_ms={search_p50:.2f} search_uncached_p95_ms={search_p95:.2f} "
            f"search_cpu_p50_ms={timings['cpu_p50']:.2f} "
            f"search_cpu_p95_ms={timings['cpu_p95']:.2f} "
            f"search_max_ms={timings['max']:.2f} load_avg={os.getloadavg()[0]:.1f}"
        )
        return

    app_port, proxy_port, static_port = free_port(), free_port(), free_port()
    serve = ["python", "-m", "beatdesk", "serve", "--host", "127.0.0.1", "--port", str(app_port)]
    serve[0] = sys.executable
    if args.workers:
        serve += ["--workers", str(args.workers)]
    server = subprocess.Popen(serve, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
    nginx = None
    results: dict[str, dict] = {}
    try:
        base = f"http://127.0.0.1:{app_port}"
        wait_for(base + urls["district"])
        for name in ("district", "officer", "search", "feed"):
            urllib.request.urlopen(base + urls[name]).read()
            results[name] = r = wrk(
                base + urls[name], duration=args.duration, connections=args.connections
            )
            print(
                f"app     {name:9} {r['rps']:9.0f} req/s  p50 {r['p50']:6.2f} ms  p99 {r['p99']:7.2f} ms  non-2xx {r['errors']}"
            )

        workers = args.workers or (os.cpu_count() or 1) * 2 + 1
        page_file = work / "page.html"
        page_file.write_bytes(urllib.request.urlopen(base + urls["district"]).read())
        bare_port = free_port()
        bare = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "-w",
                str(workers),
                "-b",
                f"127.0.0.1:{bare_port}",
                "--log-level",
                "warning",
                "bench.bare_wsgi:app",
            ],
            cwd=ROOT,
            env={**env, "BENCH_BARE_PAGE": str(page_file)},
        )
        try:
            wait_for(f"http://127.0.0.1:{bare_port}/")
            results["bare"] = r = wrk(
                f"http://127.0.0.1:{bare_port}/",
                duration=args.duration,
                connections=args.connections,
            )
            print(
                f"bare    fixed     {r['rps']:9.0f} req/s  p50 {r['p50']:6.2f} ms  p99 {r['p99']:7.2f} ms  (gunicorn, same workers, no Django)"
            )
        finally:
            bare.terminate()
            bare.wait(timeout=10)

        static_root = work / "static"
        (static_root / FORCE / "districts" / "york").mkdir(parents=True)
        page = urllib.request.urlopen(base + urls["district"]).read()
        (static_root / FORCE / "districts" / "york" / "index.html").write_bytes(page)
        for sub in ("cache", "body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (work / sub).mkdir(exist_ok=True)
        conf = nginx_config(work, app_port, proxy_port, static_port, static_root)
        nginx_bin = shutil.which("nginx") or "/usr/sbin/nginx"
        nginx = subprocess.Popen([nginx_bin, "-c", str(conf), "-g", "daemon off;"])
        wait_for(f"http://127.0.0.1:{proxy_port}{urls['district']}")
        wait_for(f"http://127.0.0.1:{static_port}{urls['district']}")
        results["nginx"] = r = wrk(
            f"http://127.0.0.1:{proxy_port}{urls['district']}",
            duration=args.duration,
            connections=args.connections,
        )
        print(
            f"nginx   district  {r['rps']:9.0f} req/s  p50 {r['p50']:6.2f} ms  p99 {r['p99']:7.2f} ms  non-2xx {r['errors']}"
        )
        results["static"] = r = wrk(
            f"http://127.0.0.1:{static_port}{urls['district']}",
            duration=args.duration,
            connections=args.connections,
        )
        print(
            f"static  district  {r['rps']:9.0f} req/s  p50 {r['p50']:6.2f} ms  p99 {r['p99']:7.2f} ms  ({len(page):,} bytes)"
        )

        stale = takedown_delay(f"http://127.0.0.1:{proxy_port}{urls['district']}", page)
        print(f"takedown visible through nginx after {stale:.2f} s")
    finally:
        if nginx is not None:
            nginx.terminate()
            nginx.wait(timeout=10)
        server.terminate()
        server.wait(timeout=20)
        shutil.rmtree(work, ignore_errors=True)  # a --keep data folder lives elsewhere

    print(f"load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    bare_ratio = results["district"]["rps"] / results["bare"]["rps"]
    app_ratio = results["district"]["rps"] / results["static"]["rps"]
    nginx_ratio = results["nginx"]["rps"] / results["static"]["rps"]
    print(
        f"app/static {app_ratio:.3f}   nginx/static {nginx_ratio:.3f}   app/bare-gunicorn {bare_ratio:.3f}"
    )
    print(
        "RESULT "
        f"posts={args.posts} "
        + " ".join(
            f"{name}_rps={results[name]['rps']:.0f} {name}_p50_ms={results[name]['p50']:.2f} "
            f"{name}_p99_ms={results[name]['p99']:.2f}"
            for name in ("district", "officer", "search", "feed", "bare", "nginx", "static")
        )
        + f" search_uncached_p50_ms={search_p50:.2f} search_uncached_p95_ms={search_p95:.2f}"
        f" search_cpu_p95_ms={timings['cpu_p95']:.2f}"
        f" app_static_ratio={app_ratio:.3f} nginx_static_ratio={nginx_ratio:.3f}"
        f" app_bare_ratio={bare_ratio:.3f} load_avg={os.getloadavg()[0]:.1f}"
        f" takedown_visible_s={stale:.2f}"
    )


def takedown_delay(url: str, page: bytes) -> float:
    """Take down the newest post on the page and time until nginx stops showing it."""
    from beatdesk.publishing.models import Post

    first = re.search(rb'href="/[^"]+/posts/(\d+)/"', page)
    post = Post.objects.get(pk=int(first.group(1)))
    marker = f"/posts/{post.pk}/".encode()
    post.state = Post.State.TAKEN_DOWN
    post.save()
    started = time.monotonic()
    try:
        while time.monotonic() - started < 10:
            with urllib.request.urlopen(url) as r:
                if marker not in r.read():
                    return time.monotonic() - started
            time.sleep(0.02)
        return float("inf")
    finally:
        post.state = Post.State.PUBLISHED
        post.save()


if __name__ == "__main__":
    main()
