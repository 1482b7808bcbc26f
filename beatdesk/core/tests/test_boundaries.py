"""Every URL of the project, walked with every persona against objects of their own district,
another district, another force and none.

The walk is driven by Django's URL resolver, so a view added anywhere is walked too. A URL that
takes arguments needs sample arguments in ``SAMPLES`` below: without them this test fails and
says so, so no view goes unchecked. Entries may also say who may use the page (``allow``); every
walked response must then match it.

Rules checked for every request (GET, and POST carrying hostile extra fields):
- never a server error;
- a refusal is a 403 or 404 (or a redirect to sign in), and every 403 is in the audit trail;
- nobody signed out gets a desk or API page;
- a desk or API page never shows another force's data (its names appear nowhere in the body).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from beatdesk.audit.models import AuditEvent
from beatdesk.core.testing import import_force_text

PERSONAS = (
    "anonymous",
    "officer_york",
    "lead_york",
    "officer_scarborough",
    "lead_scarborough",
    "comms",
    "admin",
    "admin_other_force",
    "officer_other_force",
)
SCENARIOS = ("own_district", "other_district", "other_force", "none")

# Strings that only ever appear in one force's data (names of the force, its places and staff).
FORCE_MARKERS = {
    "north-yorkshire": ("North Yorkshire", "Scarborough Police", "Holmes", "Carter"),
    "riverford": ("Riverford", "Frost"),
}

# URL names outside the walk, each with the reason.
SKIPPED = {
    "media": "uploaded files are public re-encoded images, served by name",
}
SKIPPED_NAMESPACES = {"admin": "Django's admin: superusers only, behind its own login"}

# Extra fields a hostile form or JSON body might carry; views must ignore or refuse them.
HOSTILE_FIELDS = {
    "force": "riverford",
    "force_id": "999",
    "author": "1",
    "author_id": "1",
    "role": "admin",
    "force_role": "admin",
    "approved": "true",
    "is_superuser": "true",
}


@dataclass
class World:
    forces: dict
    districts: dict  # slug -> District
    home_district: dict  # persona -> District slug, for officers with a district


@dataclass(frozen=True)
class Sample:
    """How to call one URL: its arguments per scenario (None: not applicable), and who may
    use it (``allow(persona, scenario)``; None: only the generic rules apply)."""

    kwargs: Callable[[World, str, str], dict | None] = lambda world, persona, scenario: (
        {} if scenario == "none" else None
    )
    allow: Callable[[str, str], bool] | None = None
    public: bool = False  # may be read signed out (the hub)
    methods: tuple[str, ...] = ("GET", "POST")
    extra: dict = field(default_factory=dict)  # query string for GET


def _own_force(persona: str) -> str:
    return "riverford" if persona.endswith("other_force") else "north-yorkshire"


def _district_for(world: World, persona: str, scenario: str):
    own = world.home_district.get(persona) or (
        "riverford-town" if _own_force(persona) == "riverford" else "york"
    )
    if scenario == "own_district":
        return world.districts[own]
    if scenario == "other_district":
        if _own_force(persona) == "riverford":
            return None  # the other force has one district
        return world.districts["scarborough" if own == "york" else "york"]
    if scenario == "other_force":
        return world.districts["york" if _own_force(persona) == "riverford" else "riverford-town"]
    return None


def hub_district_kwargs(world: World, persona: str, scenario: str) -> dict | None:
    if scenario == "none":
        return {"force_slug": "north-yorkshire", "district_slug": "no-such-district"}
    district = _district_for(world, persona, scenario)
    if district is None:
        return None
    return {"force_slug": district.force.slug, "district_slug": district.slug}


def hub_force_kwargs(world: World, persona: str, scenario: str) -> dict | None:
    if scenario == "none":
        return {"force_slug": "no-such-force"}
    if scenario == "other_district":
        return None
    slug = _own_force(persona)
    if scenario == "other_force":
        slug = "riverford" if slug == "north-yorkshire" else "north-yorkshire"
    return {"force_slug": slug}


def officer_kwargs(world: World, persona: str, scenario: str) -> dict | None:
    """An officer of the persona's own district, another district, another force, or nobody."""
    from beatdesk.people.models import Officer

    if scenario == "none":
        return {"officer_id": 999999}
    district = _district_for(world, persona, scenario)
    if district is None:
        return None
    member = (
        Officer.objects.filter(memberships__district=district)
        .exclude(user__username=persona)
        .order_by("pk")
        .first()
    )
    return {"officer_id": member.pk} if member else None


def signed_in(persona: str, scenario: str) -> bool:
    return persona != "anonymous"


def force_admin(persona: str, scenario: str) -> bool:
    return persona in {"admin", "admin_other_force"}


SAMPLES: dict[str, Sample] = {
    # The public hub: anyone may read any force's hub; unknown forces and districts are 404.
    "hub:root": Sample(public=True),
    "hub:force-home": Sample(kwargs=hub_force_kwargs, public=True),
    "hub:district": Sample(kwargs=hub_district_kwargs, public=True),
    # Sign-in pages.
    "people:login": Sample(public=True),
    "people:logout": Sample(),
    "people:sso-start": Sample(public=True),
    "people:sso-callback": Sample(public=True),
    "people:login-verify": Sample(),
    "people:reauth": Sample(allow=signed_in),
    # The desk.
    "people:desk-home": Sample(allow=signed_in),
    "people:security": Sample(allow=signed_in),
    "people:two-factor-enrol": Sample(allow=signed_in),
    "people:two-factor-remove": Sample(methods=("GET",)),
    "people:recovery-codes": Sample(),
    # Staff management: force admins of the officer's own force only.
    "people:staff": Sample(allow=force_admin),
    "people:staff-change": Sample(kwargs=officer_kwargs),
    # The audit trail: force admins only.
    "audit:events": Sample(allow=force_admin),
    "audit:export": Sample(allow=force_admin, extra={"reason": "boundary walk"}),
    "audit:subject-access": Sample(allow=force_admin, methods=("GET",)),
}


def walk_patterns(patterns=None, prefix="", namespace=""):
    """Yield (name, route) for every named URL pattern, following includes."""
    patterns = get_resolver().url_patterns if patterns is None else patterns
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            if ns in SKIPPED_NAMESPACES:
                continue
            full_ns = f"{namespace}:{entry.namespace}" if namespace and entry.namespace else ns
            yield from walk_patterns(entry.url_patterns, prefix + str(entry.pattern), full_ns or "")
        elif isinstance(entry, URLPattern):
            name = entry.name
            full = f"{namespace}:{name}" if namespace and name else name
            yield full, prefix + str(entry.pattern), entry


def project_urls():
    found = {}
    for name, route, entry in walk_patterns():
        if name is None:
            if "media" in route:
                continue
            pytest.fail(
                f"The URL {route!r} has no name: name it so the boundary walk can check it."
            )
        if name in SKIPPED:
            continue
        found[name] = (route, entry)
    return found


def test_every_url_with_arguments_has_samples():
    missing = [
        f"{name} ({route})"
        for name, (route, entry) in sorted(project_urls().items())
        if entry.pattern.converters and name not in SAMPLES
    ]
    assert not missing, (
        "These URLs take arguments but have no sample arguments in SAMPLES in "
        "beatdesk/core/tests/test_boundaries.py, so the boundary walk cannot check them. Add an "
        "entry for each (own district, other district, other force, none) and say who may "
        f"use it: {', '.join(missing)}"
    )


def test_samples_only_name_real_urls():
    stale = sorted(set(SAMPLES) - set(project_urls()))
    assert not stale, f"SAMPLES names URLs that no longer exist: {stale}"


@pytest.fixture
def world(db):
    from beatdesk.core.testing import OTHER_FORCE, TEST_FORCE
    from beatdesk.forces.models import District

    forces = {
        "north-yorkshire": import_force_text(TEST_FORCE),
        "riverford": import_force_text(OTHER_FORCE, "other.yaml"),
    }
    districts = {d.slug: d for d in District.objects.select_related("force")}
    home = {
        "officer_york": "york",
        "lead_york": "york",
        "officer_scarborough": "scarborough",
        "lead_scarborough": "scarborough",
        "officer_other_force": "riverford-town",
    }
    return World(forces=forces, districts=districts, home_district=home)


OK_STATUSES = {200, 204, 301, 302, 400, 403, 404, 405, 429}
SIGN_IN_REDIRECTS = ("/desk/login/", "/desk/reauth/", "/desk/security/two-factor/")


def _check(response, *, name, url, persona, scenario, method, sample, refusals_before):
    where = f"{method} {url} ({name}) as {persona}, {scenario}"
    status = response.status_code
    assert status in OK_STATUSES, f"{where}: unexpected status {status}"
    if status == 403:
        assert AuditEvent.objects.filter(outcome="refused").count() > refusals_before, (
            f"{where}: refused with 403 but nothing was written to the audit trail"
        )
    is_private = url.startswith(("/desk/", "/api/")) and not sample.public
    if persona == "anonymous" and is_private:
        assert status != 200, f"{where}: a signed-out visitor got a private page"
    if status == 200 and is_private and persona != "anonymous":
        other = "riverford" if _own_force(persona) == "north-yorkshire" else "north-yorkshire"
        body = (
            response.content.decode(errors="replace")
            if not response.streaming
            else b"".join(response.streaming_content).decode(errors="replace")
        )
        for marker in FORCE_MARKERS[other]:
            assert marker not in body, f"{where}: shows {marker!r}, which belongs to another force"
    if sample.allow is not None and method == "GET":
        allowed = sample.allow(persona, scenario)
        if allowed:
            assert status == 200 or (
                status == 302 and response["Location"].startswith(SIGN_IN_REDIRECTS)
            ), f"{where}: should be allowed, got {status}"
        else:
            assert status in {403, 404} or (
                status == 302 and response["Location"].startswith("/desk/login/")
            ), f"{where}: should be refused, got {status}"


@pytest.mark.parametrize("persona", PERSONAS)
def test_boundary_walk(client, world, persona):
    from beatdesk.people.models import User

    urls = project_urls()
    user = None if persona == "anonymous" else User.objects.get(username=persona)
    if user is not None:
        client.force_login(user)
    walked = 0
    for name, (_route, entry) in sorted(urls.items()):
        if name not in SAMPLES and entry.pattern.converters:
            continue  # test_every_url_with_arguments_has_samples reports it
        sample = SAMPLES.get(name, Sample())
        for scenario in SCENARIOS:
            kwargs = sample.kwargs(world, persona, scenario)
            if kwargs is None:
                continue
            url = reverse(name, kwargs=kwargs)
            for method in sample.methods:
                # Sign in again only when the last request signed out (logout, session end).
                if user is not None and "_auth_user_id" not in client.session:
                    client.force_login(user)
                refusals_before = AuditEvent.objects.filter(outcome="refused").count()
                if method == "GET":
                    response = client.get(url, sample.extra)
                else:
                    response = client.post(url, HOSTILE_FIELDS)
                _check(
                    response,
                    name=name,
                    url=url,
                    persona=persona,
                    scenario=scenario,
                    method=method,
                    sample=sample,
                    refusals_before=refusals_before,
                )
                walked += 1
    assert walked >= len(urls)


@pytest.mark.django_db
def test_a_district_of_another_force_is_not_found_under_this_force(client, world):
    # The hub must not find Riverford's district through North Yorkshire's address.
    response = client.get(
        reverse(
            "hub:district",
            kwargs={"force_slug": "north-yorkshire", "district_slug": "riverford-town"},
        )
    )
    assert response.status_code == 404
