from django.apps import AppConfig


class NetworksConfig(AppConfig):
    name = "beatdesk.networks"
    label = "networks"

    def ready(self) -> None:
        from beatdesk.core.apps import load_app_modules

        load_app_modules(self)
