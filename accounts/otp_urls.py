"""Two-factor sign-in pages, included by accounts.urls under accounts/otp/."""

from django.urls import path

from . import otp_views

urlpatterns = [
    path("setup/", otp_views.otp_setup, name="otp_setup"),
    path("verify/", otp_views.otp_verify, name="otp_verify"),
]
