import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "beatdesk.settings")
application = get_wsgi_application()

# Live Q&A viewers poll every second; their polls are answered from memory when possible.
from beatdesk.qa.fastpath import LivePollFastPath  # noqa: E402

application = LivePollFastPath(application)
