from django.urls import path

from . import views

app_name = "evaluation"
urlpatterns = [
    path("", views.quarter_list, name="quarter_list"),
    path("run/", views.run_start, name="run_start"),
    path("runs/<int:run_id>/progress/", views.run_progress, name="run_progress"),
    path("<int:year>/q<int:q>/", views.quarter_detail, name="quarter_detail"),
    path("<int:year>/q<int:q>/finalise/", views.finalise, name="finalise"),
    path("<int:year>/q<int:q>/export.xlsx", views.quarter_export, name="quarter_export"),
    path("mine/", views.my_scorecards, name="my_scorecards"),
    path("scorecards/<int:pk>/", views.scorecard, name="scorecard"),
    path("scorecards/<int:pk>/export.xlsx", views.scorecard_xlsx, name="scorecard_xlsx"),
    path("scorecards/<int:pk>/export.pdf", views.scorecard_pdf, name="scorecard_pdf"),
    path("scorecards/<int:pk>/kpi/<slug:kpi>/", views.drilldown, name="drilldown"),
    path("scorecards/<int:pk>/comment/", views.comment, name="comment"),
    path("scorecards/<int:pk>/outcome/", views.outcome, name="outcome"),
    path("scorecards/<int:pk>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("scorecards/<int:pk>/appeal/", views.appeal, name="appeal"),
    path("lines/<int:line_id>/adjust/", views.adjust, name="adjust"),
    path("appeals/", views.appeal_list, name="appeal_list"),
    path("appeals/<int:pk>/answer/", views.appeal_answer, name="appeal_answer"),
    path("scheme/", views.scheme, name="scheme"),
    path("scheme/new/", views.scheme_new, name="scheme_new"),
    path("ratings/", views.ratings_current, name="ratings_current"),
    path("ratings/<int:year>/q<int:q>/", views.ratings, name="ratings"),
    path("ratings/<int:year>/q<int:q>/<int:person>/", views.rate, name="rate"),
]
