from django.urls import path

from beatdesk.publishing import views

app_name = "publishing"
urlpatterns = [
    path("", views.posts, name="posts"),
    path("new/", views.choose_account, name="choose"),
    path("new/<slug:account_slug>/", views.compose, name="compose"),
    path("posts/<int:post_id>/", views.post_detail, name="post"),
    path("posts/<int:post_id>/edit/", views.post_edit, name="edit"),
    path("posts/<int:post_id>/delete/", views.post_delete, name="delete"),
    path("posts/<int:post_id>/take-down/", views.post_take_down, name="take-down"),
    path("posts/<int:post_id>/review/", views.post_review, name="review"),
    path("deliveries/<int:delivery_id>/confirm/", views.delivery_confirm, name="confirm"),
    path("notifications/read/", views.notifications_read, name="notifications-read"),
    path("pauses/", views.pauses, name="pauses"),
    path("pauses/<int:pause_id>/resume/", views.pause_resume, name="resume"),
    path("simulated/", views.simulated_network, name="simulated"),
]
