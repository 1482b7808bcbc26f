from django.apps import AppConfig


class InboxConfig(AppConfig):
    name = "beatdesk.inbox"
    label = "inbox"

    def ready(self) -> None:
        from beatdesk.core.apps import load_app_modules
        from beatdesk.inbox import signals

        load_app_modules(self)
        signals.connect()
