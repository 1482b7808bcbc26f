from django.urls import path

from beatdesk.people import views

app_name = "people"
urlpatterns = [
    path("", views.desk_home, name="desk-home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
]
