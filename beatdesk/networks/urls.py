from django.urls import path

from beatdesk.networks import views
from beatdesk.networks.facebook import connect as facebook
from beatdesk.networks.mastodon import connect as mastodon
from beatdesk.networks.x import connect as x

app_name = "networks"
urlpatterns: list = [
    path("", views.connections, name="connections"),
    path(
        "accounts/<int:account_id>/bluesky/",
        views.connect_bluesky,
        name="connect-bluesky",
    ),
    path("accounts/<int:account_id>/mastodon/", mastodon.connect_start, name="connect-mastodon"),
    path("mastodon/callback/", mastodon.connect_callback, name="mastodon-callback"),
    path("accounts/<int:account_id>/x/", x.connect_start, name="connect-x"),
    path("x/callback/", x.connect_callback, name="x-callback"),
    path("accounts/<int:account_id>/facebook/", facebook.connect_page, name="connect-facebook"),
]
