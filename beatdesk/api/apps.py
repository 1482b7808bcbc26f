from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "beatdesk.api"
    label = "api"

    def ready(self) -> None:
        from beatdesk.core.apps import load_app_modules

        load_app_modules(self)
