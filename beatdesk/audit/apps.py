from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "beatdesk.audit"
    label = "audit"

    def ready(self) -> None:
        from beatdesk.core.apps import load_app_modules

        load_app_modules(self)
