from django.urls import path

from . import views

app_name = "golive"
urlpatterns = [
    path("", views.golive_import_view, name="import"),
    path("template.<str:fmt>", views.golive_template, name="template"),
]
