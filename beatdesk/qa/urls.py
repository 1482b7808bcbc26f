from django.urls import path

from beatdesk.qa import views

app_name = "qa"
urlpatterns = [
    path("", views.session_list, name="list"),
    path("new/", views.session_new, name="new"),
    path("<int:session_id>/", views.session_detail, name="session"),
    path("<int:session_id>/status/", views.session_status, name="status"),
    path("<int:session_id>/close/", views.session_close, name="close"),
    path("<int:session_id>/edit/", views.session_edit, name="edit"),
    path("<int:session_id>/cancel/", views.session_cancel, name="cancel"),
    path("<int:session_id>/stats/", views.session_stats, name="stats"),
    path("<int:session_id>/inbox/", views.inbox_messages, name="inbox"),
    path("<int:session_id>/inbox/<int:message_id>/move/", views.inbox_move, name="inbox-move"),
    path("<int:session_id>/export.csv", views.session_export, name="export"),
    path(
        "<int:session_id>/questions/<int:question_id>/<slug:action>/",
        views.question_action,
        name="question-action",
    ),
]
