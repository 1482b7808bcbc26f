from django.urls import path

from beatdesk.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.events, name="events"),
    path("export.csv", views.export, name="export"),
    path("subject-access/", views.subject_access, name="subject-access"),
    path("holds/", views.legal_holds, name="legal-holds"),
    path("holds/<int:hold_id>/release/", views.legal_hold_release, name="legal-hold-release"),
]
