from django.urls import path

from . import views

app_name = "portal"
urlpatterns = [
    path("<str:token>/", views.status_page, name="status"),
    path("<str:token>/case/", views.open_case, name="open_case"),
    path("<str:token>/survey/", views.submit_survey, name="survey"),
]
