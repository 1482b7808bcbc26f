from django.apps import AppConfig


class ForcesConfig(AppConfig):
    name = "beatdesk.forces"
    label = "forces"

    def ready(self) -> None:
        from beatdesk.core.apps import load_app_modules

        load_app_modules(self)
