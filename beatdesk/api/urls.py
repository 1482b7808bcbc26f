from django.urls import include, path

app_name = "api"
urlpatterns: list = [path("", include("beatdesk.inbox.api"))]
