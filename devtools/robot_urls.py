from django.urls import path

from . import robots

app_name = "dev_robots"
urlpatterns = [
    path("", robots.received, name="received"),
    path("cgi-bin/webhook/send", robots.wecom_send, name="wecom"),
    path("robot/send", robots.dingtalk_send, name="dingtalk"),
]
