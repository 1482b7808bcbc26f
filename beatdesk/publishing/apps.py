from django.apps import AppConfig


class PublishingConfig(AppConfig):
    name = "beatdesk.publishing"
    label = "publishing"

    def ready(self) -> None:
        from beatdesk.core.apps import load_app_modules

        load_app_modules(self)
