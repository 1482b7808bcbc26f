from django.urls import path

from beatdesk.networks import views

app_name = "networks"
urlpatterns: list = [
    path("", views.connections, name="connections"),
    path(
        "accounts/<int:account_id>/bluesky/",
        views.connect_bluesky,
        name="connect-bluesky",
    ),
]
