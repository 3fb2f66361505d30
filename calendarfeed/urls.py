from django.urls import path

from . import views

app_name = "calendarfeed"

urlpatterns = [
    path("", views.feed_page, name="page"),
    path("link/", views.feed_issue, name="issue"),
    path("link/off/", views.feed_turn_off, name="turn_off"),
    path("<str:token>.ics", views.feed_ics_view, name="ics"),
]
