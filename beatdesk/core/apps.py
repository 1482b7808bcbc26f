from __future__ import annotations

import importlib

from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps

# Modules an app may define that register themselves at start-up: permission rules, jobs, and
# what it holds for retention and subject access (core/dataprotection.py).
SELF_REGISTERING_MODULES = ("permissions", "jobs", "data_protection")


def load_app_modules(app_config: AppConfig) -> None:
    for module in SELF_REGISTERING_MODULES:
        name = f"{app_config.name}.{module}"
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise


class CoreConfig(AppConfig):
    name = "beatdesk.core"
    label = "core"

    def ready(self) -> None:
        load_app_modules(self)


class BeatdeskAdminConfig(admin_apps.AdminConfig):
    """Django's admin with Beatdesk's force-scoped site as ``admin.site``."""

    default = False

    default_site = "beatdesk.core.admin.BeatdeskAdminSite"
