"""The tenant and its shape: Force, Policy, District (with places and postcode districts),
Account (a public identity) and Channel (an account on one network)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models

RESERVED_FORCE_SLUGS = {
    "desk",
    "api",
    "admin",
    "static",
    "media",
    "accounts",
    "healthz",
    "robots.txt",
}


def validate_force_slug(value: str) -> None:
    if value in RESERVED_FORCE_SLUGS:
        raise ValidationError(
            f"{value!r} is reserved for Beatdesk's own pages; choose another slug."
        )


def validate_time_zone(value: str) -> None:
    try:
        ZoneInfo(value)
    except Exception as exc:
        raise ValidationError(f"{value!r} is not a time zone name such as Europe/London.") from exc


class Force(models.Model):
    """The tenant. Nothing of one force is ever shown to another."""

    name = models.CharField(max_length=120)
    short_name = models.CharField(max_length=60, blank=True)
    slug = models.SlugField(max_length=60, unique=True, validators=[validate_force_slug])
    website = models.URLField(blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def force_id(self) -> int:
        return self.pk


class Policy(models.Model):
    """A force's own choices. Each force decides."""

    class AccountModel(models.TextChoices):
        DISTRICT = "district", "District accounts only"
        INDIVIDUAL = "individual", "District accounts and individual officer accounts"

    class AutoEmergencyReply(models.TextChoices):
        OFF = "off", "Do not send automatically"
        PUBLIC = "public", "Reply publicly with the emergency guidance"
        PRIVATE = "private", "Reply privately with the emergency guidance"

    force = models.OneToOneField(Force, on_delete=models.CASCADE, related_name="policy")
    account_model = models.CharField(
        max_length=20, choices=AccountModel.choices, default=AccountModel.DISTRICT
    )
    signature_template = models.CharField(max_length=80, default="^{initials}")
    time_zone = models.CharField(
        max_length=60, default="Europe/London", validators=[validate_time_zone]
    )
    # {"mon": [["08:00", "18:00"]], ...}; a day that is missing is closed.
    office_hours = models.JSONField(default=dict, blank=True)
    emergency_phone = models.CharField(max_length=20, default="999")
    non_emergency_phone = models.CharField(max_length=20, default="101")
    online_reporting_url = models.URLField(blank=True)
    emergency_guidance = models.TextField(
        default=(
            "If you or someone else is in immediate danger, call 999 now. This account is not "
            "monitored around the clock. For non-emergencies call 101 or report online."
        )
    )
    auto_emergency_reply = models.CharField(
        max_length=10, choices=AutoEmergencyReply.choices, default=AutoEmergencyReply.OFF
    )
    # Minutes to first response per priority: {"urgent": 15, "high": 60, ...}.
    response_targets = models.JSONField(default=dict, blank=True)
    # A delivery held longer than this waits for a person to confirm instead of going out late.
    stale_after_minutes = models.PositiveIntegerField(default=180)
    retention_days = models.PositiveIntegerField(default=395)
    require_two_factor = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    DEFAULT_RESPONSE_TARGETS = {"urgent": 15, "high": 60, "normal": 8 * 60, "low": 3 * 24 * 60}

    class Meta:
        verbose_name_plural = "policies"

    def __str__(self) -> str:
        return f"Policy of {self.force}"

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    def target_minutes(self, priority: str) -> int | None:
        targets = {**self.DEFAULT_RESPONSE_TARGETS, **(self.response_targets or {})}
        value = targets.get(priority)
        return int(value) if value is not None else None

    @property
    def allows_individual_accounts(self) -> bool:
        return self.account_model == self.AccountModel.INDIVIDUAL


class District(models.Model):
    force = models.ForeignKey(Force, on_delete=models.CASCADE, related_name="districts")
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=60)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["force", "slug"], name="district_slug_per_force"),
        ]

    def __str__(self) -> str:
        return self.name


class Place(models.Model):
    """A town or village a district covers; used by area lookup and triage."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="places")
    force = models.ForeignKey(Force, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=120)
    is_main_town = models.BooleanField(default=False)

    class Meta:
        ordering = ["-is_main_town", "name"]
        constraints = [
            models.UniqueConstraint(fields=["district", "name"], name="place_name_per_district"),
        ]

    def __str__(self) -> str:
        return self.name


postcode_district_validator = RegexValidator(
    r"^[A-Z]{1,2}[0-9][0-9A-Z]?$", "A postcode district looks like YO11 or LS22."
)


class PostcodeDistrict(models.Model):
    """The outward part of a postcode (YO11) and the district that covers it."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="postcodes")
    force = models.ForeignKey(Force, on_delete=models.CASCADE, related_name="+")
    code = models.CharField(max_length=4, validators=[postcode_district_validator])

    class Meta:
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["force", "code"], name="postcode_once_per_force"),
        ]

    def __str__(self) -> str:
        return self.code


class Account(models.Model):
    """A public identity: the force account, a district account, or one officer's own account."""

    class Kind(models.TextChoices):
        FORCE = "force", "Force account"
        DISTRICT = "district", "District account"
        INDIVIDUAL = "individual", "Officer's individual account"

    force = models.ForeignKey(Force, on_delete=models.CASCADE, related_name="accounts")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    slug = models.SlugField(max_length=60)
    name = models.CharField(max_length=120)
    bio = models.TextField(blank=True)
    avatar = models.ImageField(upload_to="avatars/", blank=True)
    district = models.ForeignKey(
        District, null=True, blank=True, on_delete=models.PROTECT, related_name="accounts"
    )
    officer = models.ForeignKey(
        "people.Officer",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="individual_accounts",
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["force", "slug"], name="account_slug_per_force"),
            models.CheckConstraint(
                condition=(
                    models.Q(kind="force", district__isnull=True, officer__isnull=True)
                    | models.Q(kind="district", district__isnull=False, officer__isnull=True)
                    | models.Q(kind="individual", officer__isnull=False)
                ),
                name="account_kind_matches_owner",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def initials(self) -> str:
        words = [w for w in self.name.replace("-", " ").split() if w[:1].isalpha()]
        return "".join(w[0] for w in words[:2]).upper() or "?"


class Channel(models.Model):
    """An account's presence on one network. Every account has a hub channel."""

    class Network(models.TextChoices):
        HUB = "hub", "Hub (our own site)"
        SIMULATED = "simulated", "Simulated network"
        X = "x", "X"
        FACEBOOK = "facebook", "Facebook"
        MASTODON = "mastodon", "Mastodon"
        BLUESKY = "bluesky", "Bluesky"

    class State(models.TextChoices):
        ACTIVE = "active", "Active"
        NEEDS_RECONNECT = "needs_reconnect", "Needs reconnect"
        DISABLED = "disabled", "Disabled"

    force = models.ForeignKey(Force, on_delete=models.CASCADE, related_name="+")
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="channels")
    network = models.CharField(max_length=20, choices=Network.choices)
    handle = models.CharField(max_length=200, blank=True)
    profile_url = models.URLField(blank=True)
    state = models.CharField(max_length=20, choices=State.choices, default=State.ACTIVE)
    state_reason = models.CharField(max_length=300, blank=True)
    # Non-secret settings (server URL, character limit read from the server...).
    config = models.JSONField(default=dict, blank=True)
    # Secrets are stored encrypted by the networks app, never in ``config``.
    credentials_encrypted = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["account", "network"]
        constraints = [
            models.UniqueConstraint(fields=["account", "network"], name="one_channel_per_network"),
        ]

    def __str__(self) -> str:
        network = self.Network(self.network).label if self.network in self.Network else self.network
        return f"{self.account} on {network}"
