"""Benchmark the public hub: the production server alone, behind nginx, and nginx's ceiling.

    python bench/hub.py [--posts 100000] [--duration 10] [--connections 64]

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
from datetime import timedelta
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


def seed(posts: int) -> dict:
    """Demo force + N posts, bulk-inserted; returns the URLs to measure."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)
    from beatdesk.core.demo import demo_loaded, load_demo
    from beatdesk.forces.models import Account, Force
    from beatdesk.hub.models import SearchDocument, SearchState
    from beatdesk.people.models import Membership, Officer
    from beatdesk.publishing.models import Post, PostPart, Tag

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
    rng = random.Random(42)
    now = timezone.now()
    existing = Post.objects.filter(force=force).count()
    started = time.perf_counter()
    batch = 5000
    made = 0
    through = Post.tags.through
    while made + existing < posts:
        size = min(batch, posts - made - existing)
        rows, texts, chosen_tags = [], [], []
        for _ in range(size):
            account = rng.choice(accounts)
            pool = members.get(account.district_id) or everyone
            author = rng.choice(pool)
            words = rng.sample(WORDS, rng.randint(12, 40))
            text = " ".join(words).capitalize() + "."
            rows.append(
                Post(
                    force=force,
                    account=account,
                    author=author,
                    state=Post.State.PUBLISHED,
                    signature="^" + author.initials,
                    published_at=now - timedelta(seconds=rng.randint(60, 365 * 86400)),
                    client_token=secrets.token_hex(8),
                    is_urgent=False,
                )
            )
            texts.append(text)
            chosen_tags.append(rng.sample(tags, rng.randint(0, 2)))
        with transaction.atomic():
            created = Post.objects.bulk_create(rows)
            if created[0].pk is None:  # backends that do not return ids
                created = list(Post.objects.filter(force=force).order_by("-id")[:size])[::-1]
            PostPart.objects.bulk_create(
                PostPart(post=p, position=0, text=t) for p, t in zip(created, texts, strict=True)
            )
            through.objects.bulk_create(
                through(post_id=p.pk, tag_id=t.pk)
                for p, ts in zip(created, chosen_tags, strict=True)
                for t in ts
            )
            SearchDocument.objects.bulk_create(
                SearchDocument(
                    post_id=p.pk,
                    force_id=force.pk,
                    version=p.updated_at,
                    body=t + "\n" + " ".join(tag.name for tag in ts),
                )
                for p, t, ts in zip(created, texts, chosen_tags, strict=True)
            )
        made += size
        print(f"  seeded {made + existing:,} posts", end="\r", flush=True)
    newest = (
        Post.objects.filter(force=force)
        .order_by("-updated_at")
        .values_list("updated_at", flat=True)
        .first()
    )
    SearchState.objects.update_or_create(force=force, defaults={"indexed_through": newest})
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
            cursor.execute("INSERT INTO hub_search_fts(hub_search_fts) VALUES ('optimize')")
    elif connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
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
    }


def search_timings(force_id: int, rounds: int) -> tuple[float, float]:
    """Uncached full-text searches in-process: p50 and p95 in milliseconds."""
    from beatdesk.hub.search import SearchFilters, search_post_ids

    samples = []
    for _ in range(rounds):
        for text in SEARCHES:
            t0 = time.perf_counter()
            search_post_ids(force_id=force_id, text=text, filters=SearchFilters(), limit=20)
            samples.append((time.perf_counter() - t0) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


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
    args = parser.parse_args()
    for tool in ("wrk", "nginx"):
        if not shutil.which(tool) and not Path(f"/usr/sbin/{tool}").exists():
            raise SystemExit(f"{tool} is missing: apt-get install -y wrk nginx")

    work = Path(tempfile.mkdtemp(prefix="beatdesk-bench-"))
    data_dir = Path(args.keep).resolve() if args.keep else work / "data"
    data_dir.mkdir(parents=True, exist_ok=True)
    env = environment(data_dir)
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    print(f"Seeding {args.posts:,} posts into the demo force")
    urls = seed(args.posts)
    search_p50, search_p95 = search_timings(urls["force_id"], rounds=5)
    print(
        f"uncached search over {args.posts:,} posts: p50 {search_p50:.2f} ms, p95 {search_p95:.2f} ms"
    )

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
