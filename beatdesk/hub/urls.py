from django.urls import include, path

from beatdesk.hub import views

app_name = "hub"
urlpatterns = [
    path("", views.root, name="root"),
    path("<slug:force_slug>/", views.force_home, name="force-home"),
    path("", include("beatdesk.inbox.public_urls")),
    path("<slug:force_slug>/districts/<slug:district_slug>/", views.district, name="district"),
]
