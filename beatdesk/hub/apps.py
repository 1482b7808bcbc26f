from django.apps import AppConfig


class HubConfig(AppConfig):
    name = "beatdesk.hub"
    label = "hub"

    def ready(self) -> None:
        from beatdesk.core.apps import load_app_modules

        load_app_modules(self)
        from beatdesk.hub.generation import connect

        connect()
