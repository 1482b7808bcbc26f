"""The demo: two forces from their force files, demo logins, and sample content.

Apps add sample content by defining ``seed_demo(force)`` in their own ``demo.py``; it runs
once, right after the forces are imported.
"""

from __future__ import annotations

import importlib
from pathlib import Path

from django.apps import apps
from django.db import transaction

from beatdesk.forces.config import force_import_file
from beatdesk.forces.models import Force

DEMO_DIR = Path(__file__).resolve().parent.parent / "forces" / "demo"
DEMO_FILES = ("north-yorkshire.yaml", "riverford.yaml")
DEMO_PASSWORD = "beatdesk-demo"


def demo_loaded() -> bool:
    return Force.objects.filter(slug="north-yorkshire").exists()


@transaction.atomic
def load_demo() -> list[Force]:
    from beatdesk.forces.services import account_create_individual
    from beatdesk.people.models import Officer, User

    forces = [force_import_file(actor=None, path=DEMO_DIR / name).force for name in DEMO_FILES]
    for user in User.objects.filter(officer_profile__force__in=forces):
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    riverford_pc = Officer.objects.get(force__slug="riverford", user__username="rf.pc")
    account_create_individual(actor=None, officer=riverford_pc, networks=("hub", "simulated"))
    for app in apps.get_app_configs():
        if not app.name.startswith("beatdesk."):
            continue
        try:
            module = importlib.import_module(f"{app.name}.demo")
        except ModuleNotFoundError as exc:
            if exc.name != f"{app.name}.demo":
                raise
            continue
        seed = getattr(module, "seed_demo", None)
        if seed is not None:
            for force in forces:
                seed(force)
    return forces


def demo_logins() -> list[tuple[str, str, str]]:
    """(username, role description, force) for one login per role, for the banner."""
    from beatdesk.people.models import Officer

    wanted = [
        ("admin", "force admin"),
        ("comms", "comms / digital desk"),
        ("lead.york", "district team lead, York"),
        ("pc.york", "officer, York"),
        ("pcso.york", "officer whose posts need approval, York"),
        ("pc.scarborough", "officer, Scarborough"),
        ("rf.pc", "officer with an individual account (Riverford)"),
    ]
    found = {
        o.user.username: o.force.name
        for o in Officer.objects.select_related("user", "force").filter(
            user__username__in=[u for u, _ in wanted]
        )
    }
    return [(u, role, found[u]) for u, role in wanted if u in found]
