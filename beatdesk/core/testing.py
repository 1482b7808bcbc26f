"""Test personas and browser fixtures, shared by every app's tests.

Personas are built through the real services (a force file imported by the config service,
officers created by ``officer_create``), so permission tests read like sentences:
``officer_scarborough`` cannot post on the York account.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

TEST_PASSWORD = "correct-horse-battery-staple-42"

TEST_FORCE = """
force: {name: North Yorkshire Police, short_name: NYP, slug: north-yorkshire}
policy:
  signature_template: "^{initials}"
  online_reporting_url: https://example.org/report
accounts:
  - {slug: nyp, name: North Yorkshire Police, channels: [hub, simulated]}
districts:
  - slug: york
    name: York
    main_town: York
    places: [Haxby]
    postcodes: [YO1, YO10, YO31]
    account: {slug: york, name: York Police, channels: [hub, simulated]}
  - slug: scarborough
    name: Scarborough
    main_town: Scarborough
    places: [Whitby, Filey]
    postcodes: [YO11, YO12, YO21]
    account: {slug: scarborough, name: Scarborough Police, channels: [hub, simulated]}
officers:
  - {username: officer_york, first_name: Jess, surname: Holmes, rank: PC, collar: "2291", districts: {york: officer}}
  - {username: lead_york, first_name: Sam, surname: Carter, rank: Sgt, collar: "1402", districts: {york: lead}}
  - {username: officer_scarborough, first_name: Amy, surname: Lund, rank: PC, collar: "2567", districts: {scarborough: officer}}
  - {username: lead_scarborough, first_name: Mike, surname: Walsh, rank: Sgt, collar: "1190", districts: {scarborough: lead}}
  - {username: comms, first_name: Priya, surname: Shah, rank: Staff, force_role: comms}
  - {username: admin, first_name: Alex, surname: Morgan, rank: Staff, force_role: admin}
"""

OTHER_FORCE = """
force: {name: Riverford Constabulary, slug: riverford}
policy: {account_model: individual, signature_template: "- {rank} {surname} {collar}"}
accounts:
  - {slug: riverford-police, name: Riverford Constabulary}
districts:
  - slug: riverford-town
    name: Riverford Town
    postcodes: [ZZ1]
    account: {slug: riverford-town, name: Riverford Town Police, channels: [hub, simulated]}
officers:
  - {username: admin_other_force, first_name: Morgan, surname: Lee, rank: Staff, force_role: admin}
  - {username: officer_other_force, first_name: Ian, surname: Frost, rank: PC, collar: "412", districts: {riverford-town: officer}}
"""


def import_force_text(text: str, source: str = "test.yaml"):
    from beatdesk.forces.config import check_config, force_config_apply, parse

    plan = check_config(parse(text, source=source), source=source)
    result = force_config_apply(actor=None, plan=plan, source=source)
    from beatdesk.people.models import User

    for user in User.objects.filter(officer_profile__force=result.force):
        user.set_password(TEST_PASSWORD)
        user.save(update_fields=["password"])
    return result.force


@pytest.fixture
def force(db):
    return import_force_text(TEST_FORCE)


@pytest.fixture
def other_force(db):
    return import_force_text(OTHER_FORCE, "other.yaml")


def _officer(force, username):
    from beatdesk.people.models import Officer

    return Officer.objects.select_related("user", "force__policy").get(
        force=force, user__username=username
    )


@pytest.fixture
def officer_york(force):
    return _officer(force, "officer_york")


@pytest.fixture
def lead_york(force):
    return _officer(force, "lead_york")


@pytest.fixture
def officer_scarborough(force):
    return _officer(force, "officer_scarborough")


@pytest.fixture
def lead_scarborough(force):
    return _officer(force, "lead_scarborough")


@pytest.fixture
def comms(force):
    return _officer(force, "comms")


@pytest.fixture
def admin(force):
    return _officer(force, "admin")


@pytest.fixture
def admin_other_force(other_force):
    return _officer(other_force, "admin_other_force")


@pytest.fixture
def officer_other_force(other_force):
    return _officer(other_force, "officer_other_force")


@pytest.fixture
def account(force):
    """Accessor: ``account("york")`` is the York district account."""
    from beatdesk.forces.models import Account

    def get(slug: str, force_obj=None):
        return Account.objects.get(force=force_obj or force, slug=slug)

    return get


def login(client, officer):
    assert client.login(username=officer.user.username, password=TEST_PASSWORD)
    return client


# --- Browser tests -------------------------------------------------------------------------

CHROMIUM_PATHS = ("/usr/bin/chromium", "/usr/bin/chromium-browser")


def chromium_path() -> str | None:
    configured = os.environ.get("BEATDESK_CHROMIUM")
    if configured:
        return configured
    for candidate in CHROMIUM_PATHS:
        if Path(candidate).exists():
            return candidate
    return shutil.which("chromium")


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is required for browser tests in CI (apt-get install chromium).")
        pytest.skip("Chromium is not installed; run `make test` to set it up.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(
            executable_path=path,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield launched
        launched.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    context.set_default_timeout(10_000)
    pg = context.new_page()
    yield pg
    context.close()


@pytest.fixture
def new_page(browser, live_server):
    """Open further independent browser sessions (a second officer, a public viewer)."""
    contexts = []

    def make():
        context = browser.new_context(base_url=live_server.url, locale="en-GB")
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


AXE_PATH = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


def axe_violations(
    pg, *, tags=("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa")
) -> list[dict]:
    """Run axe-core in the page and return its violations (empty when the page passes)."""
    if not AXE_PATH.exists():
        raise RuntimeError("axe-core is missing: run `npm ci` (the Makefile's test target does).")
    # Evaluated through the DevTools protocol, so the page's strict CSP needs no exception.
    pg.evaluate(AXE_PATH.read_text(encoding="utf-8"))
    result = pg.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        list(tags),
    )
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["html"] for n in v["nodes"]][:3],
        }
        for v in result["violations"]
    ]


def browser_login(pg, username: str, password: str = TEST_PASSWORD) -> None:
    pg.goto("/desk/login/")
    pg.get_by_label("Username").fill(username)
    pg.get_by_label("Password").fill(password)
    pg.get_by_role("button", name="Sign in").click()
    pg.wait_for_url("**/desk/")
