from django.urls import path

from . import views

app_name = "supervision"
urlpatterns = [
    # 1. the weekly merchandiser meeting
    path("meetings/", views.meeting_list, name="meeting_list"),
    path("meetings/this-week/", views.meeting_create, name="meeting_create"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/record/", views.meeting_record, name="meeting_record"),
    path("meetings/<int:pk>/refresh/", views.meeting_refresh, name="meeting_refresh"),
    path("meetings/<int:pk>/actions/", views.action_item_add, name="action_item_add"),
    path("actions/<int:pk>/<str:name>/", views.action_item_step, name="action_item_step"),
    # 2. weekly work reports
    path("reports/mine/", views.report_mine, name="report_mine"),
    path("reports/", views.report_inbox, name="report_inbox"),
    path("reports/<int:pk>/", views.report_detail, name="report_detail"),
    path("reports/<int:pk>/step/<str:name>/", views.report_step, name="report_step"),
    path("reports/<int:pk>/suggestions/", views.report_suggestion, name="report_suggestion"),
    path("reports/<int:pk>/review/", views.report_review, name="report_review"),
    # 3. supervisors' reviews of work records
    path("reviews/", views.review_queue_view, name="review_queue"),
    path("reviews/orders/<int:pk>/", views.review_order, name="review_order"),
    # 4. QA spot checks and findings
    path("spot-checks/", views.plan_list, name="plan_list"),
    path("spot-checks/new/", views.plan_new, name="plan_new"),
    path("spot-checks/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("spot-checks/<int:pk>/draw/", views.plan_draw, name="plan_draw"),
    path("spot-checks/<int:pk>/verify/", views.plan_verify, name="plan_verify"),
    path("spot-checks/samples/<int:pk>/", views.sample_score, name="sample_score"),
    path("spot-checks/results/<int:pk>/finding/", views.finding_raise, name="finding_raise"),
    path("findings/", views.finding_list, name="finding_list"),
    path("findings/<int:pk>/", views.finding_detail, name="finding_detail"),
    path("findings/<int:pk>/acknowledge/", views.finding_acknowledge, name="finding_acknowledge"),
    path("findings/<int:pk>/close/", views.finding_close, name="finding_close"),
    path("findings/<int:pk>/evidence/", views.finding_evidence, name="finding_evidence"),
    # 5. violations and discipline
    path("violations/", views.violation_list, name="violation_list"),
    path("violations/new/", views.violation_new, name="violation_new"),
    path("violations/<int:pk>/", views.violation_detail, name="violation_detail"),
    path("violations/<int:pk>/opinion/", views.violation_opinion, name="violation_opinion"),
    path("violations/<int:pk>/decide/", views.violation_decide, name="violation_decide"),
    path("violations/<int:pk>/acknowledge/", views.violation_acknowledge, name="violation_acknowledge"),
    # 6. the policy
    path("policy/", views.policy_current, name="policy_current"),
    path("policy/acknowledge/", views.policy_acknowledge, name="policy_acknowledge"),
    path("policy/versions/", views.policy_versions, name="policy_versions"),
    path("policy/versions/new/", views.policy_new, name="policy_new"),
    path("policy/versions/<int:pk>/", views.policy_version, name="policy_version"),
    path("policy/versions/<int:pk>/edit/", views.policy_edit, name="policy_edit"),
    path("policy/versions/<int:pk>/step/<str:name>/", views.policy_step, name="policy_step"),
    path("policy/acknowledgements/", views.policy_acknowledgements, name="policy_acknowledgements"),
]
