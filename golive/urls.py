from django.urls import path

from . import views

app_name = "golive"
urlpatterns = [
    path("", views.golive_import_view, name="import"),
    path("imports/<int:job_id>/", views.golive_job_view, name="job"),
    path("template.<str:fmt>", views.golive_template, name="template"),
]
