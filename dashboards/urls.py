from django.urls import path

from . import views

app_name = "dashboards"
urlpatterns = [
    path("merchandiser/", views.merchandiser, name="merchandiser"),
    path("supervisor/", views.supervisor, name="supervisor"),
    path("qa/", views.qa, name="qa"),
    path("hr/", views.hr, name="hr"),
    path("management/", views.management, name="management"),
    path("no-role/", views.no_role, name="no_role"),
]
