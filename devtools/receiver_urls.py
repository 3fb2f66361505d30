from django.urls import path

from . import receiver

app_name = "devreceiver"
urlpatterns = [path("receiver/", receiver.receiver, name="receiver")]
