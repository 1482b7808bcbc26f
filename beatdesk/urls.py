from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.static import serve

urlpatterns = [
    path("admin/", admin.site.urls),
    path("desk/", include("beatdesk.people.urls")),
    path("", include("beatdesk.hub.urls")),
]

if settings.SERVE_MEDIA:
    urlpatterns.insert(0, path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT}))
