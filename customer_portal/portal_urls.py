"""The signed-in customer portal, under /customer/ (config.urls)."""

from django.urls import path

from . import portal_views as views

app_name = "customer"
urlpatterns = [
    path("", views.home, name="home"),
    path("orders/", views.order_list, name="orders"),
    path("orders/<int:pk>/", views.order_detail, name="order"),
    path("shipments/", views.shipment_list, name="shipments"),
    path("documents/", views.document_list, name="documents"),
    path("documents/<int:pk>/", views.document_download, name="document"),
    path("requests/", views.case_list, name="cases"),
    path("surveys/", views.survey_list, name="surveys"),
    path("developer/", views.developer, name="developer"),
    path("developer/tokens/", views.token_issue, name="token_issue"),
    path("developer/tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("developer/endpoints/new/", views.endpoint_new, name="endpoint_new"),
    path("developer/endpoints/<int:pk>/", views.endpoint_edit, name="endpoint"),
    path("developer/endpoints/<int:pk>/rotate/", views.endpoint_rotate, name="endpoint_rotate"),
    path("developer/deliveries/<int:pk>/", views.delivery_detail, name="delivery"),
    path("developer/deliveries/<int:pk>/replay/", views.delivery_replay_view, name="delivery_replay"),
    path("welcome/<uidb64>/<token>/", views.AcceptInvitationView.as_view(), name="accept"),
]
