"""Two-factor sign-in for a contact: available through the staff's OTP pages, asked once a device is added."""

import pytest
from django.test import Client, override_settings
from django_otp.plugins.otp_totp.models import TOTPDevice

from ..security.test_otp import code_for, code_from_setup_page
from .conftest import PASSWORD

pytestmark = pytest.mark.django_db


def sign_in(client, user):
    answer = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert answer.status_code == 302


@override_settings(OTP_ENFORCE=True)
def test_a_contact_adds_an_authenticator_and_is_then_asked_for_a_code(contact_user):
    client = Client()
    sign_in(client, contact_user)
    assert client.get("/customer/").status_code == 200  # not required
    page = client.get("/accounts/otp/setup/")
    assert page.status_code == 200
    _uri, code = code_from_setup_page(page.content.decode())
    assert client.post("/accounts/otp/setup/", {"token": code}).status_code == 302
    device = TOTPDevice.objects.get(user=contact_user, confirmed=True)

    fresh = Client()
    sign_in(fresh, contact_user)
    asked = fresh.get("/customer/orders/")
    assert asked.status_code == 302 and asked["Location"].startswith("/accounts/otp/verify/")
    device.refresh_from_db()
    device.last_t = -1  # the setup used this time step's code; a real sign-in comes a step later
    device.save()
    ok = fresh.post("/accounts/otp/verify/", {"token": code_for(device), "next": "/customer/orders/"})
    assert ok.status_code == 302 and ok["Location"] == "/customer/orders/"
    assert fresh.get("/customer/orders/").status_code == 200
    assert fresh.get("/orders/").status_code == 403  # verified, and still confined
