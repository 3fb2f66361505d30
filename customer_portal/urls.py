from django.urls import path

from . import views

app_name = "portal"
urlpatterns = [
    path("<str:token>/", views.status_page, name="status"),
    path("<str:token>/case/", views.open_case, name="open_case"),
    path("<str:token>/survey/", views.submit_survey, name="survey"),
    path("<str:token>/new-date/", views.answer_date, name="answer_date"),
    path("<str:token>/pi/", views.pi_download, name="pi"),
    path("<str:token>/pi/confirm/", views.pi_confirm, name="pi_confirm"),
]
