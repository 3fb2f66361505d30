from django.urls import path

from . import views

app_name = "documents"
urlpatterns = [
    path("orders/<int:order_pk>/pi/", views.pi_new, name="pi_new"),
    path("orders/<int:order_pk>/pi/send/", views.pi_send_view, name="pi_send"),
    path("shipments/<int:shipment_pk>/packing-list/", views.packing_list_new, name="packing_list_new"),
    path("orders/<int:order_pk>/<int:pk>/", views.download, name="download"),
]
