import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "beatdesk.settings")
django_application = get_wsgi_application()

# Repeat requests for public hub pages are answered before Django's request cycle.
from beatdesk.hub.fastpath import HubFastPath  # noqa: E402

# Live Q&A viewers poll every second; their polls are answered from memory when possible.
from beatdesk.qa.fastpath import LivePollFastPath  # noqa: E402

application = LivePollFastPath(HubFastPath(django_application))
