from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.static import serve

from beatdesk.jobs.views import healthz
from beatdesk.networks.facebook.connect import webhook as facebook_webhook

urlpatterns = [
    path("admin/", admin.site.urls),
    path("desk/publishing/", include("beatdesk.publishing.urls")),
    path("desk/inbox/", include("beatdesk.inbox.urls")),
    path("desk/qa/", include("beatdesk.qa.urls")),
    path("desk/networks/", include("beatdesk.networks.urls")),
    path("desk/audit/", include("beatdesk.audit.urls")),
    path("desk/", include("beatdesk.people.urls")),
    path("api/v1/", include("beatdesk.api.urls")),
    path("hooks/facebook/", facebook_webhook, name="facebook-webhook"),
    # Answered first by jobs.middleware.HealthzMiddleware, whatever the Host; named here so
    # it can be linked and resolved like any other page.
    path("healthz", healthz, name="healthz"),
    path("", include("beatdesk.hub.urls")),
]

# Refusals: the friendly 403 page, and the audit event even when a transaction rolled it back.
handler403 = "beatdesk.core.views.permission_denied"
# Under a force, a missing page is shown in that force's hub layout.
handler404 = "beatdesk.hub.views.page_not_found"

if settings.SERVE_MEDIA:
    urlpatterns.insert(0, path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT}))
