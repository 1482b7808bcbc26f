"""The inbox's public pages, included by the hub under the force's slug."""

from django.urls import path

from beatdesk.inbox import public_views

app_name = "inbox-public"
urlpatterns = [
    path("<slug:force_slug>/contact/", public_views.contact, name="contact"),
    path("<slug:force_slug>/contact/sent/", public_views.contact_sent, name="contact-sent"),
    path(
        "<slug:force_slug>/contact/c/<str:token>/",
        public_views.contact_thread,
        name="contact-thread",
    ),
]
