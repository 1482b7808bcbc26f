from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "beatdesk.people"
    label = "people"

    def ready(self) -> None:
        from beatdesk.core.apps import load_app_modules

        load_app_modules(self)
        from beatdesk.people import signals  # noqa: F401 (connects the sign-in receivers)
