from django.urls import path

from . import views

app_name = "reminders"

urlpatterns = [
    path("digest/<str:day>/", views.digest_day, name="digest_day"),
    path("escalations/", views.escalation_list, name="escalations"),
]
