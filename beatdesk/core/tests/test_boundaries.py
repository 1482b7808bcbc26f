"""Every URL of the project, walked with every persona against objects of their own district,
another district, another force and none.

The walk is driven by Django's URL resolver, so a view added anywhere is walked too. A URL that
takes arguments needs sample arguments in ``SAMPLES`` below: without them this test fails and
says so, so no view goes unchecked. Entries may also say who may use the page (``allow``); every
walked response must then match it.

Rules checked for every request (GET, and POST carrying hostile extra fields):
- never a server error;
- a refusal is a 403 or 404 (401 from the API, or a redirect to sign in), and every 403 is in
  the audit trail;
- nobody signed out gets a desk page (or a URL marked ``private``);
- a desk page never shows another force's data (its names appear nowhere in the body).

URLs whose only arguments are ``force_slug`` (and ``district_slug``) get sample arguments from
the tenancy table (own force and district, another district, another force, none); any other
argument (``pk``, ``post_id``...) needs an entry in ``SAMPLES``.
"""

from __future__ import annotations

import re
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
    "facebook-webhook": "signed by Facebook, not a person's permission; see "
    "networks/tests/test_connect_networks.py",
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
    public: bool = False  # may be read signed out (the hub, the public API)
    private: bool = False  # outside /desk/ but for staff only (a staff API endpoint)
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


def api_token_kwargs(world: World, persona: str, scenario: str) -> dict | None:
    """A personal API token of a colleague in the district (another force's, or none)."""
    from beatdesk.people.tokens import api_token_create

    if scenario == "none":
        return {"token_id": MISSING}
    member = officer_kwargs(world, persona, scenario)
    if member is None:
        return None
    from beatdesk.people.models import Officer

    token, _ = api_token_create(
        actor=Officer.objects.get(pk=member["officer_id"]), name="Walk", days=30
    )
    return {"token_id": token.pk}


def passkey_kwargs(world: World, persona: str, scenario: str) -> dict | None:
    """A security key of a colleague in the district (another force's, or none)."""
    from django_otp_webauthn.models import WebAuthnCredential

    from beatdesk.people.models import Officer

    if scenario == "none":
        return {"passkey_id": MISSING}
    member = officer_kwargs(world, persona, scenario)
    if member is None:
        return None
    owner = Officer.objects.get(pk=member["officer_id"])
    credential_id = f"walk-{owner.pk}-{persona}".encode()
    key, _ = WebAuthnCredential.objects.get_or_create(
        user=owner.user,
        credential_id=credential_id,
        defaults={"name": "Walk", "public_key": b"\0", "confirmed": True},
    )
    return {"passkey_id": key.pk}


def legal_hold_kwargs(world: World, persona: str, scenario: str) -> dict | None:
    """A hold on a conversation of the district (another force's, or none)."""
    from beatdesk.audit.models import LegalHold

    if scenario == "none":
        return {"hold_id": MISSING}
    district = _district_for(world, persona, scenario)
    if district is None:
        return None
    conversation = district_objects(world, district)["conversation"]
    hold, _ = LegalHold.objects.get_or_create(
        force_id=district.force_id,
        object_type="inbox.conversation",
        object_id=str(conversation.pk),
        released_at=None,
        defaults={"reason": "Boundary walk"},
    )
    return {"hold_id": hold.pk}


def tenancy_kwargs(names: frozenset[str]):
    """Sample arguments built from the tenancy arguments alone (force_slug, district_slug), for
    URLs that take nothing else; any other argument needs an entry in SAMPLES."""

    def build(world: World, persona: str, scenario: str) -> dict | None:
        if "district_slug" in names:
            kwargs = hub_district_kwargs(world, persona, scenario)
            return None if kwargs is None else {k: v for k, v in kwargs.items() if k in names}
        return hub_force_kwargs(world, persona, scenario)

    return build


TENANCY_ARGUMENTS = {"force_slug", "district_slug"}


def sample_for(name: str, entry, route: str = "") -> Sample | None:
    if name in SAMPLES:
        return SAMPLES[name]
    # Arguments of the whole route, including those of the includes above the pattern.
    arguments = frozenset(re.findall(r"<(?:\w+:)?(\w+)>", route)) | frozenset(
        entry.pattern.converters
    )
    if not arguments:
        return Sample()
    if arguments <= TENANCY_ARGUMENTS and "force_slug" in arguments:
        return Sample(kwargs=tenancy_kwargs(arguments))
    return None  # test_every_url_with_arguments_has_samples reports it


# --- Objects of each district, for URLs that name a post, conversation, delivery... -----------
DISTRICT_MEMBER = {
    "york": "officer_york",
    "scarborough": "officer_scarborough",
    "riverford-town": "officer_other_force",
}
MISSING = 999999


def district_objects(world: World, district) -> dict:
    """A post (with its deliveries and a tag) and a public conversation in ``district``, made
    through the real services once per walk."""
    cache = world.__dict__.setdefault("objects", {})
    if district.slug in cache:
        return cache[district.slug]
    import uuid

    from beatdesk.forces.models import Account
    from beatdesk.inbox.services import message_ingest
    from beatdesk.people.models import Officer
    from beatdesk.publishing.services import PartInput, post_create

    account = Account.objects.get(district=district, kind="district")
    author = Officer.objects.get(user__username=DISTRICT_MEMBER[district.slug])
    post = post_create(
        actor=author,
        account=account,
        parts=[PartInput(text="Walking the boundaries: roads are clear today.")],
        client_token=uuid.uuid4().hex,
        tags="walk",
    )
    message = message_ingest(
        force=district.force,
        account=account,
        network_id=None,
        text="Is the road by the station open again?",
        author_handle="boundary-walker",
        kind="hub_form",
    )
    cache[district.slug] = {
        "post": post,
        "delivery": post.deliveries.order_by("pk").first(),
        "message": message,
        "conversation": message.conversation,
        "account": account,
        "author": author,
    }
    return cache[district.slug]


def by_district(build: Callable[[dict, object], dict], missing: dict):
    """Sample arguments from the scenario's district objects; ``missing`` names nothing."""

    def kwargs(world: World, persona: str, scenario: str) -> dict | None:
        if scenario == "none":
            force = _own_force(persona)
            return {k: (force if v == "<force>" else v) for k, v in missing.items()}
        district = _district_for(world, persona, scenario)
        if district is None:
            return None
        return build(district_objects(world, district), district)

    return kwargs


def missing_only(missing: dict):
    """For objects the walk does not build: only a request for one that does not exist."""
    return by_district(lambda objects, district: None, missing)


def _force(district) -> str:
    return district.force.slug


POST_KW = by_district(lambda o, d: {"post_id": o["post"].pk}, {"post_id": MISSING})
HUB_POST_KW = by_district(
    lambda o, d: {"force_slug": _force(d), "post_id": o["post"].pk},
    {"force_slug": "<force>", "post_id": MISSING},
)
HUB_OFFICER_KW = by_district(
    lambda o, d: {"force_slug": _force(d), "officer_slug": o["author"].slug},
    {"force_slug": "<force>", "officer_slug": "nobody"},
)
HUB_TOPIC_KW = by_district(
    lambda o, d: {"force_slug": _force(d), "tag_slug": "walk"},
    {"force_slug": "<force>", "tag_slug": "no-such-topic"},
)
CONVERSATION_KW = by_district(lambda o, d: {"pk": o["conversation"].pk}, {"pk": MISSING})
ACCOUNT_KW = by_district(lambda o, d: {"account_id": o["account"].pk}, {"account_id": MISSING})
QA_PUBLIC_KW = missing_only({"force_slug": "<force>", "slug": "no-such-session"})
QA_DESK_KW = missing_only({"session_id": MISSING})


def signed_in(persona: str, scenario: str) -> bool:
    return persona != "anonymous"


def force_admin(persona: str, scenario: str) -> bool:
    return persona in {"admin", "admin_other_force"}


SAMPLES: dict[str, Sample] = {
    # The public hub: anyone may read any force's hub; unknown forces and districts are 404.
    "hub:root": Sample(public=True),
    "hub:force-home": Sample(kwargs=hub_force_kwargs, public=True),
    "hub:district": Sample(kwargs=hub_district_kwargs, public=True),
    # For monitors and load balancers: anyone may ask (no worker runs in the walk, so only the
    # database is asked; jobs/tests/test_health.py tests the rest).
    "healthz": Sample(public=True, extra={"check": "database"}),
    # Sign-in pages.
    "people:login": Sample(public=True),
    "people:logout": Sample(),
    "people:sso-start": Sample(public=True),
    "people:sso-callback": Sample(public=True),
    "people:login-verify": Sample(),
    "people:login-passkey-options": Sample(methods=("POST",)),
    "people:login-passkey": Sample(methods=("POST",)),
    "people:reauth": Sample(allow=signed_in),
    # The desk.
    "people:desk-home": Sample(allow=signed_in),
    "people:security": Sample(allow=signed_in),
    "people:two-factor-enrol": Sample(allow=signed_in),
    "people:two-factor-remove": Sample(methods=("GET",)),
    "people:recovery-codes": Sample(),
    "people:api-token-new": Sample(),
    "people:passkey-add": Sample(allow=signed_in, methods=("GET",)),
    "people:passkey-add-options": Sample(methods=("POST",)),
    # Removing a colleague's security key: a force admin of their force only.
    "people:passkey-remove": Sample(
        kwargs=passkey_kwargs,
        allow=lambda persona, scenario: (
            persona in {"admin", "admin_other_force"}
            and scenario in {"own_district", "other_district"}
        ),
        methods=("POST",),
    ),
    # Revoking a colleague's token: a force admin of their force only.
    "people:api-token-revoke": Sample(
        kwargs=api_token_kwargs,
        allow=lambda persona, scenario: (
            persona in {"admin", "admin_other_force"}
            and scenario in {"own_district", "other_district"}
        ),
        methods=("POST",),
    ),
    # Staff management: force admins of the officer's own force only.
    "people:staff": Sample(allow=force_admin),
    "people:staff-change": Sample(kwargs=officer_kwargs),
    # The audit trail: force admins only.
    "audit:events": Sample(allow=force_admin),
    "audit:export": Sample(allow=force_admin, extra={"reason": "boundary walk"}),
    "audit:subject-access": Sample(allow=force_admin, methods=("GET",)),
    "audit:legal-holds": Sample(allow=force_admin, methods=("GET",)),
    "audit:legal-hold-release": Sample(kwargs=legal_hold_kwargs, methods=("POST",)),
    # Posts on the hub and the read API: public; another force's post is not found there.
    "hub:post": Sample(kwargs=HUB_POST_KW, public=True),
    "hub:officer": Sample(kwargs=HUB_OFFICER_KW, public=True),
    "hub:officer-feed": Sample(kwargs=HUB_OFFICER_KW, public=True),
    "hub:topic": Sample(kwargs=HUB_TOPIC_KW, public=True),
    "hub:topic-feed": Sample(kwargs=HUB_TOPIC_KW, public=True),
    "api:post": Sample(kwargs=HUB_POST_KW, public=True, methods=("GET",)),
    "api:officer": Sample(kwargs=HUB_OFFICER_KW, public=True, methods=("GET",)),
    "api:posts:detail": Sample(kwargs=POST_KW, private=True, methods=("GET",)),
    # Q&A sessions: the walk builds none; unknown sessions must be 404 for everyone.
    # A sender's private link: a token not signed by us opens nothing, for anyone.
    "hub:inbox-public:contact-thread": Sample(
        kwargs=missing_only({"force_slug": "<force>", "token": f"{MISSING}:forged"}),
        public=True,
    ),
    "hub:qa_public:session": Sample(kwargs=QA_PUBLIC_KW, public=True),
    "hub:qa_public:ask": Sample(kwargs=QA_PUBLIC_KW, public=True),
    "hub:qa_public:calendar": Sample(kwargs=QA_PUBLIC_KW, public=True),
    "hub:qa_public:live": Sample(kwargs=QA_PUBLIC_KW, public=True),
    "hub:qa_public:transcript": Sample(kwargs=QA_PUBLIC_KW, public=True),
    "hub:qa_public:me-too": Sample(
        kwargs=missing_only({"force_slug": "<force>", "slug": "none", "question_id": MISSING}),
        public=True,
    ),
    "qa:session": Sample(kwargs=QA_DESK_KW),
    "qa:close": Sample(kwargs=QA_DESK_KW),
    "qa:edit": Sample(kwargs=QA_DESK_KW),
    "qa:cancel": Sample(kwargs=QA_DESK_KW, methods=("POST",)),
    "qa:export": Sample(kwargs=QA_DESK_KW),
    "qa:inbox": Sample(kwargs=QA_DESK_KW),
    "qa:stats": Sample(kwargs=QA_DESK_KW),
    "qa:status": Sample(kwargs=QA_DESK_KW),
    "qa:inbox-move": Sample(kwargs=missing_only({"session_id": MISSING, "message_id": MISSING})),
    "qa:question-action": Sample(
        kwargs=missing_only({"session_id": MISSING, "question_id": MISSING, "action": "approve"})
    ),
    # Publishing: the post's own district may see it; edits are the author's or a lead's.
    "publishing:post": Sample(kwargs=POST_KW),
    "publishing:edit": Sample(kwargs=POST_KW),
    "publishing:delete": Sample(kwargs=POST_KW, methods=("GET",)),
    "publishing:review": Sample(kwargs=POST_KW),
    "publishing:take-down": Sample(kwargs=POST_KW, methods=("GET",)),
    "publishing:confirm": Sample(
        kwargs=by_district(lambda o, d: {"delivery_id": o["delivery"].pk}, {"delivery_id": MISSING})
    ),
    "publishing:resume": Sample(kwargs=missing_only({"pause_id": MISSING})),
    "publishing:compose": Sample(
        kwargs=by_district(
            lambda o, d: {"account_slug": o["account"].slug}, {"account_slug": "no-such-account"}
        )
    ),
    # The inbox: a conversation is for its district's team and comms.
    "inbox:conversation": Sample(kwargs=CONVERSATION_KW),
    "inbox:assign": Sample(kwargs=CONVERSATION_KW),
    "inbox:labels": Sample(kwargs=CONVERSATION_KW),
    "inbox:note": Sample(kwargs=CONVERSATION_KW),
    "inbox:presence": Sample(kwargs=CONVERSATION_KW),
    "inbox:reply": Sample(kwargs=CONVERSATION_KW),
    "inbox:snooze": Sample(kwargs=CONVERSATION_KW),
    "inbox:status": Sample(kwargs=CONVERSATION_KW),
    "inbox:correct": Sample(
        kwargs=by_district(
            lambda o, d: {"pk": o["conversation"].pk, "message_pk": o["message"].pk},
            {"pk": MISSING, "message_pk": MISSING},
        )
    ),
    "inbox:rule-delete": Sample(kwargs=missing_only({"pk": MISSING})),
    "inbox:saved-reply-delete": Sample(kwargs=missing_only({"pk": MISSING})),
    # Connecting networks: force admins of the account's own force only.
    "networks:connect-bluesky": Sample(kwargs=ACCOUNT_KW, methods=("GET",)),
    "networks:connect-mastodon": Sample(kwargs=ACCOUNT_KW, methods=("GET",)),
    "networks:connect-x": Sample(kwargs=ACCOUNT_KW, methods=("GET",)),
    "networks:connect-facebook": Sample(kwargs=ACCOUNT_KW, methods=("GET",)),
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
        if sample_for(name, entry) is None
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


# 401 is the API's refusal for a missing or bad token.
OK_STATUSES = {200, 204, 301, 302, 400, 401, 403, 404, 405, 429}
SIGN_IN_REDIRECTS = ("/desk/login/", "/desk/reauth/", "/desk/security/two-factor/")


def _problems(response, *, name, url, persona, scenario, method, sample, refusals_before):
    """Everything wrong with one response, as sentences (empty when it is right)."""
    where = f"{method} {url} ({name}) as {persona}, {scenario}"
    status = response.status_code
    problems = []
    if status not in OK_STATUSES:
        return [f"{where}: unexpected status {status}"]
    if status == 403 and AuditEvent.objects.filter(outcome="refused").count() <= refusals_before:
        problems.append(f"{where}: refused with 403 but nothing was written to the audit trail")
    is_private = (url.startswith("/desk/") or sample.private) and not sample.public
    if persona == "anonymous" and is_private and status == 200:
        problems.append(f"{where}: a signed-out visitor got a private page")
    if status == 200 and is_private and persona != "anonymous":
        other = "riverford" if _own_force(persona) == "north-yorkshire" else "north-yorkshire"
        raw = b"".join(response.streaming_content) if response.streaming else response.content
        body = raw.decode(errors="replace")
        problems += [
            f"{where}: shows {marker!r}, which belongs to another force"
            for marker in FORCE_MARKERS[other]
            if marker in body
        ]
    if sample.allow is not None and method == "GET":
        location = response.get("Location", "")
        if sample.allow(persona, scenario):
            if not (status == 200 or (status == 302 and location.startswith(SIGN_IN_REDIRECTS))):
                problems.append(f"{where}: should be allowed, got {status}")
        elif not (
            status in {401, 403, 404} or (status == 302 and location.startswith("/desk/login/"))
        ):
            problems.append(f"{where}: should be refused, got {status}")
    return problems


@pytest.mark.parametrize("persona", PERSONAS)
def test_boundary_walk(client, world, persona):
    from beatdesk.people.models import User

    urls = project_urls()
    user = None if persona == "anonymous" else User.objects.get(username=persona)
    if user is not None:
        client.force_login(user)
    walked, problems = 0, []
    for name, (_route, entry) in sorted(urls.items()):
        sample = sample_for(name, entry, _route)
        if sample is None:
            continue  # test_every_url_with_arguments_has_samples reports it
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
                problems += _problems(
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
    assert not problems, "\n".join(problems)
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
