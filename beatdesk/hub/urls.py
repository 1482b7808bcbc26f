from django.urls import include, path

from beatdesk.hub import views

app_name = "hub"
urlpatterns = [
    path("", views.root, name="root"),
    path("<slug:force_slug>/", views.force_home, name="force-home"),
    path("<slug:force_slug>/districts/<slug:district_slug>/", views.district, name="district"),
    path("<slug:force_slug>/qa/", include("beatdesk.qa.public_urls")),
]
