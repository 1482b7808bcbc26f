from django.apps import AppConfig


class QaConfig(AppConfig):
    name = "beatdesk.qa"
    label = "qa"

    def ready(self) -> None:
        from beatdesk.core.apps import load_app_modules

        load_app_modules(self)
