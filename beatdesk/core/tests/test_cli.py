"""The `beatdesk` command as a user runs it: in a subprocess, with a fresh data folder."""

import os
import secrets
import sqlite3
import subprocess
import sys

import pytest


def run(*args, env=None, timeout=120):
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("BEATDESK_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    base["BEATDESK_TESTING"] = "false"
    base.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "beatdesk", *args],
        capture_output=True,
        text=True,
        env=base,
        timeout=timeout,
    )


def test_production_refuses_to_start_without_secret_key(tmp_path):
    result = run("check", env={"BEATDESK_DATA_DIR": str(tmp_path)})
    assert result.returncode == 2
    assert "BEATDESK_SECRET_KEY is not set" in result.stderr
    assert "Traceback" not in result.stderr


def test_production_settings_pass_check_deploy(tmp_path):
    result = run(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={"BEATDESK_DATA_DIR": str(tmp_path), "BEATDESK_SECRET_KEY": secrets.token_urlsafe(50)},
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_demo_prepares_data_folder_keeps_data_and_resets(tmp_path):
    data = tmp_path / "data"
    first = run("demo", "--no-serve", "--data-dir", str(data))
    assert first.returncode == 0, first.stderr
    assert "Loaded demo forces" in first.stdout
    assert "pc.york" in first.stdout and "/desk/" in first.stdout
    db = data / "beatdesk.sqlite3"
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE forces_district SET name = 'Changed by hand' WHERE slug = 'york'")
    second = run("demo", "--no-serve", "--data-dir", str(data))
    assert "already loaded" in second.stdout
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT name FROM forces_district WHERE slug='york'").fetchone()[0] == (
            "Changed by hand"
        )
    third = run("demo", "--no-serve", "--reset", "--data-dir", str(data))
    assert third.returncode == 0, third.stderr
    with sqlite3.connect(db) as conn:
        assert (
            conn.execute("SELECT name FROM forces_district WHERE slug='york'").fetchone()[0]
            == "York"
        )


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_demo_serves_hub_and_desk_and_stops_cleanly_on_ctrl_c(tmp_path):
    import signal
    import time
    import urllib.request

    port = free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("BEATDESK_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    env["BEATDESK_TESTING"] = "false"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "beatdesk",
            "demo",
            "--data-dir",
            str(tmp_path),
            "--port",
            str(port),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    try:
        deadline = time.monotonic() + 90
        status = None
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/north-yorkshire/", timeout=2
                ) as r:
                    status = r.status
                    body = r.read().decode()
                break
            except OSError:
                time.sleep(0.5)
        assert status == 200
        assert "Scarborough" in body
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/desk/login/", timeout=5) as r:
            assert r.status == 200
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=30)
        assert proc.returncode == 0, out
        assert "Stopped the web server and the worker." in out
    finally:
        if proc.poll() is None:
            proc.kill()
