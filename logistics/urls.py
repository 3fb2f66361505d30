from django.urls import path

from . import views

app_name = "logistics"
urlpatterns = [
    path("shipments/", views.shipment_list, name="shipment_list"),
    path("shipments/export/<str:fmt>/", views.shipment_export, name="shipment_export"),
    path("orders/<int:order_pk>/shipments/new/", views.shipment_new, name="shipment_new"),
    path("orders/<int:order_pk>/status-link/", views.status_link_new, name="status_link_new"),
    path("orders/<int:order_pk>/status-link/revoke/", views.status_link_revoke_view, name="status_link_revoke"),
    path("orders/<int:order_pk>/status-link/renew/", views.status_link_renew_view, name="status_link_renew"),
    path("shipments/<int:pk>/delivery/", views.shipment_deliver, name="shipment_deliver"),
    path("shipments/<int:pk>/documents/", views.document_add, name="document_add"),
    path("shipments/<int:pk>/documents/<int:document_id>/", views.document_download, name="document"),
    path("carriers/", views.carrier_list, name="carrier_list"),
    path("carriers/new/", views.carrier_edit, name="carrier_new"),
    path("carriers/<int:pk>/", views.carrier_edit, name="carrier_edit"),
]
