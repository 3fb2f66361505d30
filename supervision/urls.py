from django.urls import path

from .views import meetings, policy, reports, reviews, spotchecks, suggestions, violations

app_name = "supervision"
urlpatterns = [
    # 1. the weekly merchandiser meeting
    path("meetings/", meetings.meeting_list, name="meeting_list"),
    path("meetings/this-week/", meetings.meeting_create, name="meeting_create"),
    path("meetings/<int:pk>/", meetings.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/record/", meetings.meeting_record, name="meeting_record"),
    path("meetings/<int:pk>/refresh/", meetings.meeting_refresh, name="meeting_refresh"),
    path("meetings/<int:pk>/actions/", meetings.action_item_add, name="action_item_add"),
    path("actions/<int:pk>/<str:name>/", meetings.action_item_step, name="action_item_step"),
    # 2. weekly work reports
    path("reports/mine/", reports.report_mine, name="report_mine"),
    path("reports/", reports.report_inbox, name="report_inbox"),
    path("reports/<int:pk>/", reports.report_detail, name="report_detail"),
    path("reports/<int:pk>/step/<str:name>/", reports.report_step, name="report_step"),
    path("reports/<int:pk>/suggestions/", reports.report_suggestion, name="report_suggestion"),
    path("reports/<int:pk>/review/", reports.report_review, name="report_review"),
    # improvement suggestions (also linked from weekly reports)
    path("suggestions/", suggestions.suggestion_list, name="suggestion_list"),
    path("suggestions/new/", suggestions.suggestion_new, name="suggestion_new"),
    path("suggestions/<int:pk>/", suggestions.suggestion_detail, name="suggestion_detail"),
    path("suggestions/<int:pk>/step/<str:name>/", suggestions.suggestion_step, name="suggestion_step"),
    # 3. supervisors' reviews of work records
    path("reviews/", reviews.review_queue_view, name="review_queue"),
    path("reviews/orders/<int:pk>/", reviews.review_order, name="review_order"),
    path("reviews/done/", reviews.review_list, name="review_list"),
    path("reviews/done/export/<str:fmt>/", reviews.review_export, name="review_export"),
    # 4. QA spot checks and findings
    path("spot-checks/", spotchecks.plan_list, name="plan_list"),
    path("spot-checks/new/", spotchecks.plan_new, name="plan_new"),
    path("spot-checks/<int:pk>/", spotchecks.plan_detail, name="plan_detail"),
    path("spot-checks/<int:pk>/draw/", spotchecks.plan_draw, name="plan_draw"),
    path("spot-checks/<int:pk>/verify/", spotchecks.plan_verify, name="plan_verify"),
    path("spot-checks/samples/<int:pk>/", spotchecks.sample_score, name="sample_score"),
    path("spot-checks/results/<int:pk>/finding/", spotchecks.finding_raise, name="finding_raise"),
    path("findings/", spotchecks.finding_list, name="finding_list"),
    path("findings/export/<str:fmt>/", spotchecks.finding_export, name="finding_export"),
    path("findings/<int:pk>/", spotchecks.finding_detail, name="finding_detail"),
    path("findings/<int:pk>/acknowledge/", spotchecks.finding_acknowledge, name="finding_acknowledge"),
    path("findings/<int:pk>/close/", spotchecks.finding_close, name="finding_close"),
    path("findings/<int:pk>/evidence/", spotchecks.finding_evidence, name="finding_evidence"),
    # 5. violations and discipline
    path("violations/", violations.violation_list, name="violation_list"),
    path("violations/export/<str:fmt>/", violations.violation_export, name="violation_export"),
    path("violations/new/", violations.violation_new, name="violation_new"),
    path("violations/<int:pk>/", violations.violation_detail, name="violation_detail"),
    path("violations/<int:pk>/opinion/", violations.violation_opinion, name="violation_opinion"),
    path("violations/<int:pk>/decide/", violations.violation_decide, name="violation_decide"),
    path("violations/<int:pk>/acknowledge/", violations.violation_acknowledge, name="violation_acknowledge"),
    path("violations/<int:pk>/appeal/", violations.violation_appeal, name="violation_appeal"),
    path("violations/<int:pk>/appeal/answer/", violations.violation_appeal_answer, name="violation_appeal_answer"),
    # 6. the policy
    path("policy/", policy.policy_current, name="policy_current"),
    path("policy/acknowledge/", policy.policy_acknowledge, name="policy_acknowledge"),
    path("policy/versions/", policy.policy_versions, name="policy_versions"),
    path("policy/versions/new/", policy.policy_new, name="policy_new"),
    path("policy/versions/<int:pk>/", policy.policy_version, name="policy_version"),
    path("policy/versions/<int:pk>/edit/", policy.policy_edit, name="policy_edit"),
    path("policy/versions/<int:pk>/interpret/", policy.policy_interpret, name="policy_interpret"),
    path("policy/versions/<int:pk>/step/<str:name>/", policy.policy_step, name="policy_step"),
    path("policy/acknowledgements/", policy.policy_acknowledgements, name="policy_acknowledgements"),
]
