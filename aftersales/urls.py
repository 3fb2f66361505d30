from django.urls import path

from . import views

app_name = "aftersales"
urlpatterns = [
    path("cases/", views.case_list, name="case_list"),
    path("cases/export/<str:fmt>/", views.case_export, name="case_export"),
    path("orders/<int:order_pk>/cases/new/", views.case_new, name="case_new"),
    path("cases/<int:pk>/", views.case_detail, name="case_detail"),
    path("cases/<int:pk>/step/<str:name>/", views.case_step, name="case_step"),
    path("cases/<int:pk>/edit/", views.case_edit, name="case_edit"),
    path("cases/<int:pk>/attachments/", views.case_attachment_add, name="case_attachment_add"),
    path("cases/<int:pk>/attachments/<int:attachment_id>/", views.case_attachment, name="case_attachment"),
    path("orders/<int:order_pk>/feedback/new/", views.feedback_new, name="feedback_new"),
    path("feedback/", views.feedback_list, name="feedback_list"),
]
