from django.urls import path

from . import views, views_factory

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
    path("orders/<int:pk>/factory-link/", views_factory.factory_link_new, name="factory_link_new"),
    path(
        "orders/<int:pk>/factory-link/<int:link_id>/withdraw/",
        views_factory.factory_link_withdraw,
        name="factory_link_withdraw",
    ),
    path(
        "orders/<int:pk>/factory-reports/<int:report_id>/confirm/",
        views_factory.factory_report_confirm_view,
        name="factory_report_confirm",
    ),
    path("orders/<int:pk>/factory-photos/<int:photo_id>/", views_factory.factory_photo, name="factory_photo"),
    # The factory's phone page: no login, the signed token is the key.
    path("f/<str:token>/", views_factory.factory_page, name="factory_page"),
]
