from django.urls import include, path

app_name = "api"
urlpatterns: list = [
    path("", include("beatdesk.inbox.api")),
    path("posts/", include("beatdesk.publishing.api")),
    path("", include("beatdesk.inbox.api")),
]
