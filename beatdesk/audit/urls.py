from django.urls import path

from beatdesk.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.events, name="events"),
    path("export.csv", views.export, name="export"),
    path("subject-access/", views.subject_access, name="subject-access"),
]
