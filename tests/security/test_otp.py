"""Two-factor sign-in: required for HR and superusers, available to everyone, asked after the password."""

import base64
import re
from urllib.parse import parse_qs, urlparse

import pytest
from django.test import Client, override_settings
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.roles import Role

from ..factories import PASSWORD, staff
from .conftest import make_superuser

ENFORCED = override_settings(OTP_ENFORCE=True)


def sign_in(client: Client, user) -> None:
    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, "the password step failed"


def code_for(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def code_from_setup_page(html: str) -> tuple[str, str]:
    """The otpauth:// link on the page and a valid code for its secret."""
    uri = re.search(r'href="(otpauth://totp/[^"]+)"', html).group(1).replace("&amp;", "&")
    secret = parse_qs(urlparse(uri).query)["secret"][0]
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    return uri, f"{TOTP(key).token():06d}"


@pytest.mark.django_db
@ENFORCED
def test_hr_without_a_device_must_set_one_up_before_anything_else():
    hr = staff(Role.HR)
    client = Client()
    sign_in(client, hr)
    for path in ("/", "/orders/", "/dashboards/hr/", "/accounts/password/change/"):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/otp/setup/"), path

    page = client.get("/accounts/otp/setup/?next=/orders/")
    assert page.status_code == 200
    html = page.content.decode()
    uri, code = code_from_setup_page(html)
    assert uri.startswith("otpauth://totp/") and "issuer=" in uri
    # The QR code is an SVG drawn on the server and inlined as a data: URI: no CDN, no script.
    qr = re.search(r'src="data:image/svg\+xml;base64,([^"]+)"', html).group(1)
    assert b"<svg" in base64.b64decode(qr)
    assert "http://" not in html.replace("http://testserver", "") and "https://" not in html

    wrong = client.post("/accounts/otp/setup/", {"token": "000000" if code != "000000" else "111111"})
    assert wrong.status_code == 400
    assert not TOTPDevice.objects.filter(user=hr).exists()

    done = client.post("/accounts/otp/setup/", {"token": code, "next": "/orders/"})
    assert done.status_code == 302 and done["Location"] == "/orders/"
    assert TOTPDevice.objects.filter(user=hr, confirmed=True).count() == 1
    assert client.get("/orders/").status_code == 200


@pytest.mark.django_db
@ENFORCED
def test_superuser_without_a_device_cannot_reach_the_admin():
    root = make_superuser()
    client = Client()
    response = client.post("/accounts/login/", {"username": root.username, "password": "pw-for-tests-1"})
    assert response.status_code == 302
    admin = client.get("/admin/")
    assert admin.status_code == 302 and admin["Location"].startswith("/accounts/otp/setup/")


@pytest.mark.django_db
@ENFORCED
def test_a_person_with_a_device_is_asked_for_a_code_after_the_password(caplog):
    merchandiser = staff(Role.MERCHANDISER)
    device = TOTPDevice.objects.create(user=merchandiser, name="phone", confirmed=True)
    client = Client()
    sign_in(client, merchandiser)
    session_after_password = client.cookies["sessionid"].value

    blocked = client.get("/orders/")
    assert blocked.status_code == 302 and blocked["Location"].startswith("/accounts/otp/verify/")
    # The setup page cannot be used to swap in an attacker's authenticator with the password alone.
    swap = client.get("/accounts/otp/setup/")
    assert swap.status_code == 302 and swap["Location"].startswith("/accounts/otp/verify/")

    with caplog.at_level("WARNING", logger="security.access"):
        wrong = client.post("/accounts/otp/verify/", {"token": "12345x"})
        assert wrong.status_code == 400
        bad_code = "000000" if code_for(device) != "000000" else "111111"
        assert client.post("/accounts/otp/verify/", {"token": bad_code}).status_code == 400
    assert any("otp code refused" in r.getMessage() and merchandiser.username in r.getMessage() for r in caplog.records)

    device.refresh_from_db()
    device.throttling_failure_count = 0  # the failures above throttle the device (exponential delay)
    device.throttling_failure_timestamp = None
    device.save()
    ok = client.post("/accounts/otp/verify/", {"token": code_for(device), "next": "/orders/"})
    assert ok.status_code == 302 and ok["Location"] == "/orders/"
    assert client.cookies["sessionid"].value != session_after_password  # a new session id once verified
    assert client.get("/orders/").status_code == 200

    # The same code cannot be used twice (replay), in this or another session.
    other = Client()
    sign_in(other, merchandiser)
    assert other.post("/accounts/otp/verify/", {"token": code_for(device)}).status_code == 400


@pytest.mark.django_db
@ENFORCED
def test_two_factor_is_optional_for_other_roles_but_available():
    merchandiser = staff(Role.MERCHANDISER)
    client = Client()
    sign_in(client, merchandiser)
    assert client.get("/orders/").status_code == 200  # not forced
    page = client.get("/accounts/otp/setup/")
    assert page.status_code == 200
    _uri, code = code_from_setup_page(page.content.decode())
    assert client.post("/accounts/otp/setup/", {"token": code}).status_code == 302
    assert TOTPDevice.objects.filter(user=merchandiser, confirmed=True).exists()

    fresh = Client()
    sign_in(fresh, merchandiser)
    response = fresh.get("/orders/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/otp/verify/")


@pytest.mark.django_db
@override_settings(OTP_ENFORCE=True, OTP_REQUIRED_ROLES=["HR", "Management"])
def test_required_roles_are_a_setting():
    boss = staff(Role.MANAGEMENT)
    client = Client()
    sign_in(client, boss)
    assert client.get("/dashboards/management/")["Location"].startswith("/accounts/otp/setup/")


@pytest.mark.django_db
def test_the_rest_of_the_suite_runs_without_enforcement(client):
    """config.settings.test turns enforcement off: other tests sign HR in with force_login."""
    hr = staff(Role.HR)
    client.force_login(hr)
    assert client.get("/dashboards/hr/").status_code == 200


@pytest.mark.django_db
@ENFORCED
def test_the_token_api_is_not_affected(world):
    response = Client().get("/api/v1/orders", HTTP_AUTHORIZATION=f"Bearer {world.api_token}")
    assert response.status_code == 200
