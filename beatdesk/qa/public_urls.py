"""The public's Q&A pages, included by the hub under ``/<force-slug>/qa/``."""

from django.urls import path

from beatdesk.qa import public_views

app_name = "qa_public"
urlpatterns = [
    path("", public_views.sessions, name="sessions"),
    path("<slug:slug>/", public_views.session_page, name="session"),
    path("<slug:slug>/live/", public_views.live_fragment, name="live"),
    path("<slug:slug>/ask/", public_views.ask, name="ask"),
    path("<slug:slug>/questions/<int:question_id>/me-too/", public_views.me_too, name="me-too"),
    path("<slug:slug>/calendar.ics", public_views.calendar, name="calendar"),
    path("<slug:slug>/transcript/", public_views.transcript, name="transcript"),
]
