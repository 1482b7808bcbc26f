"""Writes about officers: create, update profile, memberships, roles, disable."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from beatdesk.audit.services import audit_record
from beatdesk.core.permissions import require
from beatdesk.forces.models import District, Force
from beatdesk.people import signatures
from beatdesk.people.models import ForceRole, Membership, Officer, Rank, User
from beatdesk.people.selectors import forget_cached_roles


def _unique_slug(force: Force, base: str) -> str:
    slug = slugify(base)[:70] or "officer"
    candidate, n = slug, 2
    while Officer.objects.filter(force=force, slug=candidate).exists():
        candidate, n = f"{slug}-{n}", n + 1
    return candidate


@transaction.atomic
def officer_create(
    *,
    actor: Officer | None,
    force: Force,
    username: str,
    password: str | None,
    first_name: str,
    surname: str,
    rank: str = Rank.PC,
    collar_number: str = "",
    display_name: str = "",
    bio: str = "",
    force_role: str = ForceRole.NONE,
    memberships: Iterable[tuple[District, str]] = (),
    email: str = "",
    check_password: bool = True,
) -> Officer:
    """Create a login and officer profile in ``force``; ``actor`` None means the system (CLI)."""
    if actor is not None:
        require(actor, "configure", force)
    if rank not in Rank.values:
        raise ValidationError(
            {"rank": f"Unknown rank {rank!r}; use one of {', '.join(Rank.values)}."}
        )
    if force_role not in ForceRole.values:
        raise ValidationError({"force_role": f"Unknown force role {force_role!r}."})
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": f"The username {username!r} is already taken."})
    user = User(username=username, email=email, first_name=first_name, last_name=surname)
    if password:
        if check_password:
            validate_password(password, user)
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    officer = Officer(
        user=user,
        force=force,
        slug=_unique_slug(
            force,
            f"{rank} {first_name} {surname}" if rank != Rank.STAFF else f"{first_name} {surname}",
        ),
        first_name=first_name,
        surname=surname,
        display_name=display_name or f"{first_name} {surname}",
        rank=rank,
        collar_number=collar_number,
        bio=bio,
        force_role=force_role,
    )
    officer.full_clean(exclude=["user", "force"])
    officer.save()
    for district, role in memberships:
        _membership_save(officer=officer, district=district, role=role)
    audit_record(
        actor=actor,
        action="officer.create",
        obj=officer,
        data={
            "username": username,
            "force_role": force_role,
            "memberships": [[d.slug, r] for d, r in memberships],
        },
    )
    return officer


def _membership_save(*, officer: Officer, district: District, role: str) -> Membership:
    if district.force_id != officer.force_id:
        raise ValidationError("An officer can only join districts of their own force.")
    if role not in Membership.Role.values:
        raise ValidationError({"role": f"Unknown district role {role!r}."})
    membership, _ = Membership.objects.update_or_create(
        officer=officer, district=district, defaults={"role": role, "force_id": officer.force_id}
    )
    forget_cached_roles(officer)
    return membership


def _end_sessions(officer: Officer) -> None:
    User.objects.filter(pk=officer.user_id).update(session_version=officer.user.session_version + 1)
    officer.user.session_version += 1


@transaction.atomic
def membership_set(
    *, actor: Officer | None, officer: Officer, district: District, role: str
) -> Membership:
    """Put ``officer`` in ``district`` with ``role``; a role change ends their sessions."""
    if actor is not None:
        require(actor, "manage", officer)
    membership = _membership_save(officer=officer, district=district, role=role)
    _end_sessions(officer)
    audit_record(
        actor=actor,
        action="membership.set",
        obj=officer,
        data={"district": district.slug, "role": role},
    )
    return membership


@transaction.atomic
def membership_remove(*, actor: Officer | None, officer: Officer, district: District) -> None:
    if actor is not None:
        require(actor, "manage", officer)
    Membership.objects.filter(officer=officer, district=district).delete()
    forget_cached_roles(officer)
    _end_sessions(officer)
    audit_record(
        actor=actor, action="membership.remove", obj=officer, data={"district": district.slug}
    )


@transaction.atomic
def officer_set_force_role(*, actor: Officer | None, officer: Officer, force_role: str) -> Officer:
    if actor is not None:
        require(actor, "manage", officer)
    if force_role not in ForceRole.values:
        raise ValidationError({"force_role": f"Unknown force role {force_role!r}."})
    previous = officer.force_role
    officer.force_role = force_role
    officer.save(update_fields=["force_role"])
    _end_sessions(officer)
    audit_record(
        actor=actor,
        action="officer.role_change",
        obj=officer,
        data={"from": previous, "to": force_role},
    )
    return officer


@transaction.atomic
def officer_set_active(
    *, actor: Officer | None, officer: Officer, active: bool, reason: str = ""
) -> Officer:
    """Enable or disable an officer; disabling ends their sessions at once."""
    if actor is not None:
        require(actor, "manage", officer)
    officer.is_active = active
    officer.save(update_fields=["is_active"])
    User.objects.filter(pk=officer.user_id).update(is_active=active)
    officer.user.is_active = active
    _end_sessions(officer)
    audit_record(
        actor=actor,
        action="officer.enable" if active else "officer.disable",
        obj=officer,
        reason=reason,
    )
    return officer


PROFILE_FIELDS = ("display_name", "bio", "signature_override", "collar_number", "rank")


@transaction.atomic
def officer_update_profile(*, actor: Officer, officer: Officer, **changes: str) -> Officer:
    """Update the public profile; only the listed fields can change here."""
    require(actor, "edit_profile", officer)
    unknown = set(changes) - set(PROFILE_FIELDS)
    if unknown:
        raise ValidationError(f"These fields cannot be changed here: {', '.join(sorted(unknown))}.")
    if ("rank" in changes or "collar_number" in changes) and not actor.is_force_admin:
        raise ValidationError("Only a force admin can change rank or collar number.")
    before = {f: getattr(officer, f) for f in changes}
    for field, value in changes.items():
        setattr(officer, field, value)
    if changes.get("signature_override"):
        signatures.validate_override(changes["signature_override"], officer)
    officer.full_clean(exclude=["user", "force", "photo"])
    officer.save()
    audit_record(
        actor=actor,
        action="officer.profile_update",
        obj=officer,
        data={"changed": {f: [before[f], changes[f]] for f in changes if before[f] != changes[f]}},
    )
    return officer
