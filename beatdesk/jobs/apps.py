from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "beatdesk.jobs"
    label = "jobs"

    def ready(self) -> None:
        from beatdesk.core.apps import load_app_modules

        load_app_modules(self)
