import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "beatdesk.settings")
django_application = get_wsgi_application()

# Repeat requests for public hub pages are answered before Django's request cycle.
from beatdesk.hub.fastpath import HubFastPath  # noqa: E402

application = HubFastPath(django_application)
