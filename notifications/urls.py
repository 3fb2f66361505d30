from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.inbox_list, name="inbox"),
    path("bell/", views.inbox_bell, name="bell"),
    path("read-all/", views.inbox_read_all, name="read_all"),
    path("preferences/", views.inbox_preferences_page, name="preferences"),
    path("<int:pk>/open/", views.inbox_open, name="open"),
    path("<int:pk>/read/", views.inbox_read, name="read"),
    path("robots/", views.robots_page, name="robots"),
    path("robots/<int:team_id>/<slug:channel>/", views.robot_edit, name="robot_edit"),
    path("robots/<int:team_id>/<slug:channel>/remove/", views.robot_remove, name="robot_remove"),
]
