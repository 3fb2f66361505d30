from django.urls import path

from . import views

app_name = "workcalendar"

urlpatterns = [
    path("", views.calendar_page, name="calendar"),
    path("days/", views.day_set, name="day_set"),
    path("days/<int:pk>/delete/", views.day_delete, name="day_delete"),
    path("import/", views.import_file, name="import"),
]
