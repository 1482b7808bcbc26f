"""Officers (staff with a login), their memberships of districts, and their roles."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """The login. Everything about the person at work lives on ``Officer``."""

    # Bumped to end every session of this user at once (disabled, role changed).
    session_version = models.PositiveIntegerField(default=0)

    def get_session_auth_hash(self) -> str:
        from django.utils.crypto import salted_hmac

        return salted_hmac(
            "beatdesk.people.User.session",
            f"{self.password}:{self.session_version}",
            algorithm="sha256",
        ).hexdigest()

    @property
    def officer(self) -> Officer | None:
        try:
            return self.officer_profile
        except Officer.DoesNotExist:
            return None


class Rank(models.TextChoices):
    PCSO = "PCSO", "Police Community Support Officer"
    PC = "PC", "Police Constable"
    DC = "DC", "Detective Constable"
    SGT = "Sgt", "Sergeant"
    INSP = "Insp", "Inspector"
    CH_INSP = "Ch Insp", "Chief Inspector"
    SUPT = "Supt", "Superintendent"
    STAFF = "Staff", "Police staff"


class ForceRole(models.TextChoices):
    NONE = "", "No force-wide role"
    COMMS = "comms", "Comms / digital desk"
    ADMIN = "admin", "Force admin"


class Officer(models.Model):
    """A member of staff: a login plus the public profile that signs their posts."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="officer_profile")
    force = models.ForeignKey("forces.Force", on_delete=models.CASCADE, related_name="officers")
    slug = models.SlugField(max_length=80)
    first_name = models.CharField(max_length=60)
    surname = models.CharField(max_length=60)
    display_name = models.CharField(max_length=120)
    rank = models.CharField(max_length=10, choices=Rank.choices, default=Rank.PC)
    collar_number = models.CharField(max_length=12, blank=True)
    bio = models.TextField(blank=True)
    photo = models.ImageField(upload_to="officers/", blank=True)
    # Replaces the rendered template; must still identify the officer (see signatures.py).
    signature_override = models.CharField(max_length=40, blank=True)
    force_role = models.CharField(
        max_length=10, choices=ForceRole.choices, default=ForceRole.NONE, blank=True
    )
    # Posts by an officer who needs approval wait for a team lead (e.g. probationers).
    requires_approval = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["surname", "first_name"]
        constraints = [
            models.UniqueConstraint(fields=["force", "slug"], name="officer_slug_per_force"),
            models.UniqueConstraint(
                fields=["force", "collar_number"],
                condition=~models.Q(collar_number=""),
                name="collar_number_per_force",
            ),
        ]

    def __str__(self) -> str:
        return self.public_name

    @property
    def public_name(self) -> str:
        return (
            f"{self.rank} {self.display_name}".strip()
            if self.rank != Rank.STAFF
            else self.display_name
        )

    @property
    def initials(self) -> str:
        return (self.first_name[:1] + self.surname[:1]).upper()

    @property
    def is_comms(self) -> bool:
        return self.force_role in {ForceRole.COMMS, ForceRole.ADMIN}

    @property
    def is_force_admin(self) -> bool:
        return self.force_role == ForceRole.ADMIN


class Membership(models.Model):
    """An officer in a district, with a role there."""

    class Role(models.TextChoices):
        OFFICER = "officer", "Officer"
        LEAD = "lead", "District team lead"

    officer = models.ForeignKey(Officer, on_delete=models.CASCADE, related_name="memberships")
    district = models.ForeignKey(
        "forces.District", on_delete=models.CASCADE, related_name="memberships"
    )
    force = models.ForeignKey("forces.Force", on_delete=models.CASCADE, related_name="+")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.OFFICER)

    class Meta:
        ordering = ["district__name"]
        constraints = [
            models.UniqueConstraint(fields=["officer", "district"], name="one_membership_each"),
        ]

    def __str__(self) -> str:
        return f"{self.officer} in {self.district} ({self.get_role_display()})"


class ApiToken(models.Model):
    """A personal token for the staff API (a phone shortcut, a script): ``Authorization:
    Bearer bd_<prefix>_<secret>``. Only a hash of the secret is kept; the token is shown once.
    It acts as its officer with their permissions at the time of use, and stops working when
    it is revoked, when it expires, and when the officer's sessions end (a role change or
    being disabled), exactly like a signed-in session."""

    officer = models.ForeignKey(Officer, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=80)
    prefix = models.CharField(max_length=16, unique=True)
    secret_hash = models.CharField(max_length=64)
    # The user's session_version when the token was made: a role change ends it with sessions.
    session_version = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        Officer, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} (bd_{self.prefix}_…)"
