from django.urls import path

from . import receiver

# Mounted at /dev/webhooks/ (config/urls.py): POST receiver/ takes deliveries, GET received/ lists them.
urlpatterns = [
    path("", receiver.receiver_api.urls),
    path("received/", receiver.receiver_list, name="dev_webhooks_received"),
]
