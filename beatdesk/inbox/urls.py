from django.urls import path

from beatdesk.inbox import views

app_name = "inbox"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("poll/", views.poll, name="poll"),
    path("bulk/", views.bulk, name="bulk"),
    path("duty/", views.duty, name="duty"),
    path("c/<int:pk>/", views.conversation_detail, name="conversation"),
    path("c/<int:pk>/presence/", views.presence, name="presence"),
    path("c/<int:pk>/assign/", views.assign, name="assign"),
    path("c/<int:pk>/reply/", views.reply, name="reply"),
    path("c/<int:pk>/note/", views.note, name="note"),
    path("c/<int:pk>/status/", views.status, name="status"),
    path("c/<int:pk>/snooze/", views.snooze, name="snooze"),
    path("c/<int:pk>/labels/", views.labels, name="labels"),
    path("c/<int:pk>/m/<int:message_pk>/correct/", views.correct, name="correct"),
    path("rules/", views.rules, name="rules"),
    path("rules/<int:pk>/delete/", views.rule_delete, name="rule-delete"),
    path("saved-replies/", views.saved_replies, name="saved-replies"),
    path("saved-replies/<int:pk>/delete/", views.saved_reply_delete, name="saved-reply-delete"),
    path("settings/", views.inbox_settings, name="settings"),
]
