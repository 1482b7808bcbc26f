"""Force configuration as a file: ``beatdesk force import FORCE.yaml``.

The file describes a force, its policy, districts (places, postcode districts, account) and,
optionally, its officers. Importing creates or updates to match the file. The whole file is
checked before anything is written, and a bad file gets an error naming the line and field;
nothing changes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction

from beatdesk.audit.services import audit_record
from beatdesk.forces.models import (
    Account,
    Channel,
    District,
    Force,
    Place,
    Policy,
    PostcodeDistrict,
    validate_force_slug,
    validate_time_zone,
)
from beatdesk.people import signatures
from beatdesk.people.models import ForceRole, Membership, Officer, Rank

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
POSTCODE_DISTRICT_RE = re.compile(r"^[A-Z]{1,2}[0-9][0-9A-Z]?$")
TIME_RE = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
FILE_NETWORKS = {Channel.Network.HUB, Channel.Network.SIMULATED}
PRIORITIES = ("urgent", "high", "normal", "low")


class ConfigError(Exception):
    """A problem in a force file, with the line and field it is about."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass
class Node:
    """A YAML value with the line it came from."""

    value: Any
    line: int
    path: str

    def get(self, key: str) -> Node | None:
        if not isinstance(self.value, dict):
            return None
        return self.value.get(key)


def _convert(node: yaml.Node, path: str) -> Node:
    line = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Node] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            result[key] = _convert(value_node, f"{path}.{key}" if path else key)
        return Node(result, line, path)
    if isinstance(node, yaml.SequenceNode):
        return Node(
            [_convert(item, f"{path}[{i}]") for i, item in enumerate(node.value)], line, path
        )
    value = (
        yaml.safe_load(yaml.serialize(node)) if node.tag != "tag:yaml.org,2002:str" else node.value
    )
    return Node(value, line, path)


def parse(text: str, *, source: str = "force file") -> Node:
    try:
        composed = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else "somewhere"
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError([f"{source}, {where}: not valid YAML ({problem})."]) from exc
    if composed is None:
        raise ConfigError([f"{source}: the file is empty."])
    return _convert(composed, "")


@dataclass
class Checker:
    source: str
    problems: list[str] = field(default_factory=list)

    def fail(
        self, node: Node | None, message: str, *, parent: Node | None = None, key: str = ""
    ) -> None:
        if node is not None:
            self.problems.append(f"{self.source}, line {node.line}, {node.path}: {message}")
        elif parent is not None:
            where = f"{parent.path}.{key}" if parent.path else key
            self.problems.append(f"{self.source}, line {parent.line}, {where}: {message}")
        else:
            self.problems.append(f"{self.source}: {message}")

    def mapping(self, parent: Node, key: str, *, required: bool = True) -> Node | None:
        node = parent.get(key)
        if node is None:
            if required:
                self.fail(None, "is required.", parent=parent, key=key)
            return None
        if not isinstance(node.value, dict):
            self.fail(node, "must be a mapping of names to values.")
            return None
        return node

    def sequence(self, parent: Node, key: str, *, required: bool = True) -> list[Node]:
        node = parent.get(key)
        if node is None:
            if required:
                self.fail(None, "is required.", parent=parent, key=key)
            return []
        if not isinstance(node.value, list):
            self.fail(node, "must be a list.")
            return []
        return node.value

    def text(
        self,
        parent: Node,
        key: str,
        *,
        required: bool = True,
        default: str = "",
        max_length: int = 200,
    ) -> str:
        node = parent.get(key)
        if node is None or node.value is None:
            if required:
                self.fail(None, "is required.", parent=parent, key=key)
            return default
        if not isinstance(node.value, str | int | float) or isinstance(node.value, bool):
            self.fail(node, "must be text.")
            return default
        value = str(node.value).strip()
        if required and not value:
            self.fail(node, "must not be empty.")
        if len(value) > max_length:
            self.fail(node, f"is {len(value)} characters long; at most {max_length} are allowed.")
        return value

    def slug(self, parent: Node, key: str) -> str:
        value = self.text(parent, key, max_length=60)
        if value and not SLUG_RE.match(value):
            self.fail(
                parent.get(key), f"{value!r} is not a slug (lower-case letters, digits, hyphens)."
            )
        return value

    def integer(self, parent: Node, key: str, *, default: int, minimum: int = 0) -> int:
        node = parent.get(key)
        if node is None:
            return default
        if not isinstance(node.value, int) or isinstance(node.value, bool) or node.value < minimum:
            self.fail(node, f"must be a whole number of at least {minimum}.")
            return default
        return node.value

    def boolean(self, parent: Node, key: str, *, default: bool) -> bool:
        node = parent.get(key)
        if node is None:
            return default
        if not isinstance(node.value, bool):
            self.fail(node, "must be true or false.")
            return default
        return node.value

    def choice(self, parent: Node, key: str, choices: list[str], *, default: str) -> str:
        node = parent.get(key)
        if node is None:
            return default
        if node.value not in choices:
            self.fail(node, f"{node.value!r} is not one of {', '.join(map(repr, choices))}.")
            return default
        return node.value

    def unknown_keys(self, node: Node, allowed: set[str]) -> None:
        for key, child in node.value.items():
            if key not in allowed:
                self.fail(child, f"unknown field; expected one of {', '.join(sorted(allowed))}.")


@dataclass
class AccountPlan:
    slug: str
    name: str
    kind: str
    bio: str
    networks: list[str]
    district_slug: str | None = None


@dataclass
class DistrictPlan:
    slug: str
    name: str
    description: str
    main_town: str
    places: list[str]
    postcodes: list[str]
    account: AccountPlan | None


@dataclass
class OfficerPlan:
    username: str
    first_name: str
    surname: str
    rank: str
    collar_number: str
    bio: str
    force_role: str
    districts: dict[str, str]
    requires_approval: bool


@dataclass
class ForcePlan:
    name: str
    slug: str
    short_name: str
    website: str
    policy: dict[str, Any]
    accounts: list[AccountPlan]
    districts: list[DistrictPlan]
    officers: list[OfficerPlan]


def _check_networks(check: Checker, parent: Node) -> list[str]:
    networks = [Channel.Network.HUB.value]
    for node in check.sequence(parent, "channels", required=False):
        if node.value == Channel.Network.HUB:
            continue
        if node.value not in FILE_NETWORKS:
            check.fail(
                node,
                f"{node.value!r} cannot be set up from a file; use 'hub' or 'simulated' here and "
                "connect real networks from the desk.",
            )
            continue
        networks.append(node.value)
    return networks


def _check_account(
    check: Checker, node: Node, *, kind: str, district_slug: str | None
) -> AccountPlan:
    check.unknown_keys(node, {"slug", "name", "bio", "channels", "kind"})
    return AccountPlan(
        slug=check.slug(node, "slug"),
        name=check.text(node, "name", max_length=120),
        kind=kind,
        bio=check.text(node, "bio", required=False, max_length=2000),
        networks=_check_networks(check, node),
        district_slug=district_slug,
    )


def _check_policy(check: Checker, node: Node | None) -> dict[str, Any]:
    if node is None:
        return {}
    allowed = {
        "account_model", "signature_template", "time_zone", "office_hours", "emergency_phone",
        "non_emergency_phone", "online_reporting_url", "emergency_guidance", "auto_emergency_reply",
        "response_targets", "stale_after_minutes", "retention_days", "require_two_factor",
    }  # fmt: skip
    check.unknown_keys(node, allowed)
    policy: dict[str, Any] = {}
    policy["account_model"] = check.choice(
        node, "account_model", Policy.AccountModel.values, default=Policy.AccountModel.DISTRICT
    )
    template = check.text(
        node, "signature_template", required=False, default="^{initials}", max_length=80
    )
    try:
        signatures.validate_template(template)
    except ValidationError as exc:
        check.fail(
            node.get("signature_template"),
            " ".join(exc.messages),
            parent=node,
            key="signature_template",
        )
    policy["signature_template"] = template
    zone = check.text(node, "time_zone", required=False, default="Europe/London", max_length=60)
    try:
        validate_time_zone(zone)
    except ValidationError as exc:
        check.fail(node.get("time_zone"), " ".join(exc.messages), parent=node, key="time_zone")
    policy["time_zone"] = zone
    for key in ("emergency_phone", "non_emergency_phone"):
        value = check.text(node, key, required=False, max_length=20)
        if value:
            policy[key] = value
    url = check.text(node, "online_reporting_url", required=False, max_length=200)
    if url and not url.startswith(("https://", "http://")):
        check.fail(
            node.get("online_reporting_url"), "must be a web address starting with https://."
        )
    policy["online_reporting_url"] = url
    guidance = check.text(node, "emergency_guidance", required=False, max_length=1000)
    if guidance:
        policy["emergency_guidance"] = guidance
    policy["auto_emergency_reply"] = check.choice(
        node, "auto_emergency_reply", Policy.AutoEmergencyReply.values, default="off"
    )
    hours_node = check.mapping(node, "office_hours", required=False)
    hours: dict[str, list[list[str]]] = {}
    if hours_node is not None:
        for day, spans in hours_node.value.items():
            if day not in DAYS:
                check.fail(spans, f"{day!r} is not a day; use {', '.join(DAYS)}.")
                continue
            if not isinstance(spans.value, list):
                check.fail(spans, 'must be a list of ["HH:MM", "HH:MM"] pairs.')
                continue
            hours[day] = []
            for span in spans.value:
                pair = span.value if isinstance(span.value, list) else None
                values = [p.value for p in pair] if pair else []
                if len(values) != 2 or not all(
                    isinstance(v, str) and TIME_RE.match(v) for v in values
                ):
                    check.fail(span, 'must be a pair of times like ["08:00", "18:00"].')
                    continue
                if values[0] >= values[1]:
                    check.fail(span, f"opens at {values[0]} but closes at {values[1]}.")
                    continue
                hours[day].append(values)
    policy["office_hours"] = hours
    targets_node = check.mapping(node, "response_targets", required=False)
    targets: dict[str, int] = {}
    if targets_node is not None:
        for priority, minutes in targets_node.value.items():
            if priority not in PRIORITIES:
                check.fail(minutes, f"{priority!r} is not a priority; use {', '.join(PRIORITIES)}.")
            elif (
                not isinstance(minutes.value, int)
                or isinstance(minutes.value, bool)
                or minutes.value <= 0
            ):
                check.fail(minutes, "must be a whole number of minutes above 0.")
            else:
                targets[priority] = minutes.value
    policy["response_targets"] = targets
    policy["stale_after_minutes"] = check.integer(
        node, "stale_after_minutes", default=180, minimum=1
    )
    policy["retention_days"] = check.integer(node, "retention_days", default=395, minimum=1)
    policy["require_two_factor"] = check.boolean(node, "require_two_factor", default=False)
    return policy


def check_config(root: Node, *, source: str) -> ForcePlan:
    """Validate the whole file; raise ConfigError listing every problem found."""
    check = Checker(source)
    if not isinstance(root.value, dict):
        raise ConfigError(
            [f"{source}, line {root.line}: the file must be a mapping with a 'force' section."]
        )
    check.unknown_keys(root, {"force", "policy", "accounts", "districts", "officers"})
    force_node = check.mapping(root, "force")
    name = slug = short_name = website = ""
    if force_node is not None:
        check.unknown_keys(force_node, {"name", "slug", "short_name", "website"})
        name = check.text(force_node, "name", max_length=120)
        slug = check.slug(force_node, "slug")
        try:
            if slug:
                validate_force_slug(slug)
        except ValidationError as exc:
            check.fail(force_node.get("slug"), " ".join(exc.messages))
        short_name = check.text(force_node, "short_name", required=False, max_length=60)
        website = check.text(force_node, "website", required=False, max_length=200)
    policy = _check_policy(check, check.mapping(root, "policy", required=False))

    account_slugs: dict[str, Node] = {}

    def note_account(plan: AccountPlan, node: Node) -> None:
        if plan.slug in account_slugs:
            check.fail(
                node,
                f"the account slug {plan.slug!r} is used twice (also line {account_slugs[plan.slug].line}).",
            )
        account_slugs[plan.slug] = node

    accounts: list[AccountPlan] = []
    for node in check.sequence(root, "accounts", required=False):
        if not isinstance(node.value, dict):
            check.fail(node, "must be a mapping with slug and name.")
            continue
        kind = check.choice(node, "kind", ["force"], default="force")
        plan = _check_account(check, node, kind=kind, district_slug=None)
        note_account(plan, node)
        accounts.append(plan)

    districts: list[DistrictPlan] = []
    seen_districts: dict[str, Node] = {}
    seen_postcodes: dict[str, Node] = {}
    for node in check.sequence(root, "districts"):
        if not isinstance(node.value, dict):
            check.fail(node, "must be a mapping with slug, name, places and postcodes.")
            continue
        check.unknown_keys(
            node, {"slug", "name", "description", "main_town", "places", "postcodes", "account"}
        )
        d_slug = check.slug(node, "slug")
        if d_slug in seen_districts:
            check.fail(
                node.get("slug"),
                f"the district {d_slug!r} appears twice (also line {seen_districts[d_slug].line}).",
            )
        seen_districts[d_slug] = node
        places = []
        for place in check.sequence(node, "places", required=False):
            if not isinstance(place.value, str) or not place.value.strip():
                check.fail(place, "must be a place name.")
            else:
                places.append(place.value.strip())
        main_town = check.text(node, "main_town", required=False, max_length=120)
        if main_town and main_town not in places:
            places.insert(0, main_town)
        postcodes = []
        for code in check.sequence(node, "postcodes"):
            value = str(code.value).strip().upper().replace(" ", "")
            if not POSTCODE_DISTRICT_RE.match(value):
                check.fail(code, f"{code.value!r} is not a postcode district such as YO11 or LS22.")
                continue
            if value in seen_postcodes:
                check.fail(code, f"{value} is already covered (line {seen_postcodes[value].line}).")
                continue
            seen_postcodes[value] = code
            postcodes.append(value)
        account_plan = None
        account_node = check.mapping(node, "account", required=False)
        if account_node is not None:
            account_plan = _check_account(
                check, account_node, kind="district", district_slug=d_slug
            )
            note_account(account_plan, account_node)
        districts.append(
            DistrictPlan(
                slug=d_slug,
                name=check.text(node, "name", max_length=120),
                description=check.text(node, "description", required=False, max_length=2000),
                main_town=main_town,
                places=places,
                postcodes=postcodes,
                account=account_plan,
            )
        )

    officers: list[OfficerPlan] = []
    seen_users: dict[str, Node] = {}
    seen_collars: dict[str, Node] = {}
    for node in check.sequence(root, "officers", required=False):
        if not isinstance(node.value, dict):
            check.fail(node, "must be a mapping with username, first_name and surname.")
            continue
        check.unknown_keys(
            node,
            {
                "username",
                "first_name",
                "surname",
                "rank",
                "collar",
                "bio",
                "force_role",
                "districts",
                "requires_approval",
            },
        )
        username = check.text(node, "username", max_length=150)
        if username.lower() in seen_users:
            check.fail(node.get("username"), f"the username {username!r} appears twice.")
        seen_users[username.lower()] = node
        collar = check.text(node, "collar", required=False, max_length=12)
        if collar and collar in seen_collars:
            check.fail(node.get("collar"), f"collar number {collar} appears twice.")
        if collar:
            seen_collars[collar] = node
        district_roles: dict[str, str] = {}
        roles_node = check.mapping(node, "districts", required=False)
        if roles_node is not None:
            for d_slug, role in roles_node.value.items():
                if d_slug not in seen_districts:
                    check.fail(role, f"there is no district {d_slug!r} in this file.")
                elif role.value not in Membership.Role.values:
                    check.fail(role, f"{role.value!r} is not a role; use officer or lead.")
                else:
                    district_roles[d_slug] = role.value
        officers.append(
            OfficerPlan(
                username=username,
                first_name=check.text(node, "first_name", max_length=60),
                surname=check.text(node, "surname", max_length=60),
                rank=check.choice(node, "rank", Rank.values, default=Rank.PC),
                collar_number=collar,
                bio=check.text(node, "bio", required=False, max_length=2000),
                force_role=check.choice(node, "force_role", ForceRole.values, default=""),
                districts=district_roles,
                requires_approval=check.boolean(node, "requires_approval", default=False),
            )
        )
    if policy.get("account_model") != Policy.AccountModel.INDIVIDUAL:
        pass  # individual accounts are created from the desk, never from the file
    if check.problems:
        raise ConfigError(check.problems)
    return ForcePlan(
        name=name,
        slug=slug,
        short_name=short_name,
        website=website,
        policy=policy,
        accounts=accounts,
        districts=districts,
        officers=officers,
    )


@dataclass
class ImportResult:
    force: Force
    created: bool
    counts: dict[str, int]


def _sync_channels(account: Account, networks: list[str]) -> int:
    created = 0
    for network in networks:
        _, was_created = Channel.objects.get_or_create(
            account=account,
            network=network,
            defaults={"force_id": account.force_id, "handle": account.slug},
        )
        created += was_created
    return created


@transaction.atomic
def force_config_apply(*, actor: Officer | None, plan: ForcePlan, source: str) -> ImportResult:
    """Create or update a force to match ``plan`` in one transaction, auditing the import."""
    from beatdesk.people.services import officer_create

    if actor is not None and not actor.is_force_admin:
        raise ValidationError("Only a force admin can import a force configuration.")
    counts = {
        "districts": 0,
        "accounts": 0,
        "channels": 0,
        "places": 0,
        "postcodes": 0,
        "officers": 0,
    }
    force, created = Force.objects.update_or_create(
        slug=plan.slug,
        defaults={"name": plan.name, "short_name": plan.short_name, "website": plan.website},
    )
    if actor is not None and actor.force_id != force.pk:
        raise ValidationError("You can only import your own force's configuration.")
    policy, _ = Policy.objects.get_or_create(force=force)
    for key, value in plan.policy.items():
        setattr(policy, key, value)
    policy.full_clean()
    policy.save()

    for account_plan in plan.accounts:
        account, _ = Account.objects.update_or_create(
            force=force,
            slug=account_plan.slug,
            defaults={
                "kind": Account.Kind.FORCE,
                "name": account_plan.name,
                "bio": account_plan.bio,
            },
        )
        counts["accounts"] += 1
        counts["channels"] += _sync_channels(account, account_plan.networks)

    districts: dict[str, District] = {}
    for d in plan.districts:
        district, _ = District.objects.update_or_create(
            force=force, slug=d.slug, defaults={"name": d.name, "description": d.description}
        )
        districts[d.slug] = district
        counts["districts"] += 1
        for name in d.places:
            Place.objects.update_or_create(
                district=district,
                name=name,
                defaults={"force": force, "is_main_town": name == d.main_town},
            )
            counts["places"] += 1
        Place.objects.filter(district=district).exclude(name__in=d.places).delete()
        for code in d.postcodes:
            PostcodeDistrict.objects.update_or_create(
                force=force, code=code, defaults={"district": district}
            )
            counts["postcodes"] += 1
        PostcodeDistrict.objects.filter(district=district).exclude(code__in=d.postcodes).delete()
        if d.account is not None:
            account, _ = Account.objects.update_or_create(
                force=force,
                slug=d.account.slug,
                defaults={
                    "kind": Account.Kind.DISTRICT,
                    "name": d.account.name,
                    "bio": d.account.bio,
                    "district": district,
                },
            )
            counts["accounts"] += 1
            counts["channels"] += _sync_channels(account, d.account.networks)

    for o in plan.officers:
        existing = Officer.objects.filter(force=force, user__username__iexact=o.username).first()
        memberships = [(districts[s], r) for s, r in o.districts.items()]
        if existing is None:
            if (
                Officer.objects.filter(user__username__iexact=o.username)
                .exclude(force=force)
                .exists()
            ):
                raise ConfigError(
                    [f"{source}: the username {o.username!r} belongs to another force."]
                )
            officer = officer_create(
                actor=None,
                force=force,
                username=o.username,
                password=None,
                first_name=o.first_name,
                surname=o.surname,
                rank=o.rank,
                collar_number=o.collar_number,
                bio=o.bio,
                force_role=o.force_role,
                memberships=memberships,
            )
            counts["officers"] += 1
        else:
            officer = existing
            for attr in ("first_name", "surname", "rank", "collar_number", "bio", "force_role"):
                setattr(officer, attr, getattr(o, attr))
            officer.save()
            for district, role in memberships:
                Membership.objects.update_or_create(
                    officer=officer, district=district, defaults={"role": role, "force": force}
                )
        if officer.requires_approval != o.requires_approval:
            officer.requires_approval = o.requires_approval
            officer.save(update_fields=["requires_approval"])

    audit_record(
        actor=actor,
        action="force.import" if not created else "force.create",
        obj=force,
        data={"source": source, "counts": counts},
    )
    return ImportResult(force=force, created=created, counts=counts)


def force_import_file(*, actor: Officer | None, path: Path) -> ImportResult:
    """Read, check and apply a force file; ConfigError if anything is wrong."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise ConfigError([f"{path}: no such file."]) from exc
    except UnicodeDecodeError as exc:
        raise ConfigError([f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})."]) from exc
    source = path.name
    plan = check_config(parse(text, source=source), source=source)
    return force_config_apply(actor=actor, plan=plan, source=source)
