from django.urls import path

from . import views

app_name = "production"
urlpatterns = [
    path("checkins/", views.my_checkins, name="my_checkins"),
    path("checkins/<int:order_pk>/", views.checkin_save, name="checkin_save"),
    path("checkins/records/", views.checkin_list, name="checkin_list"),
    path("checkins/records/export/<str:fmt>/", views.checkin_export, name="checkin_export"),
    path("board/", views.board, name="board"),
    path("orders/<int:pk>/start/", views.start_production, name="start"),
    path("orders/<int:pk>/milestones/<int:milestone_id>/", views.milestone_update, name="milestone"),
    path("orders/<int:pk>/delay/", views.record_delay, name="delay"),
]
