from django.urls import path

from . import views

app_name = "webhooks"
urlpatterns = [
    path("customers/<int:customer_pk>/", views.customer_webhooks, name="customer"),
    path("endpoints/<int:pk>/", views.endpoint_edit, name="endpoint"),
    path("endpoints/<int:pk>/rotate/", views.endpoint_rotate, name="endpoint_rotate"),
    path("deliveries/<int:pk>/", views.delivery_detail, name="delivery"),
    path("deliveries/<int:pk>/replay/", views.delivery_replay_view, name="delivery_replay"),
]
