"""Staff actions on contacts' portal logins, under /portal-access/ (config.urls)."""

from django.urls import path

from . import staff_views as views

app_name = "portal_access"
urlpatterns = [
    path("contacts/<int:pk>/invite/", views.invite, name="invite"),
    path("contacts/<int:pk>/revoke/", views.revoke, name="revoke"),
]
