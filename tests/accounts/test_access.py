"""accounts.access and accounts.sessions: every page reads the session, the user's roles and the
second-factor flag from the cache, and a change to any of them shows on the very next request."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.roles import Role

pytestmark = pytest.mark.django_db

# A Redis nobody listens on, configured as production configures the real one: every call fails fast.
DEAD_CACHE = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.2, "SOCKET_TIMEOUT": 0.2},
    }
}


def tables_read(client, url: str) -> str:
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return " ".join(q["sql"] for q in captured.captured_queries)


def test_a_page_reads_neither_session_nor_roles_nor_devices_from_the_database(client, merchandiser):
    client.force_login(merchandiser)

    sql = tables_read(client, "/orders/")

    assert "django_session" not in sql
    assert "auth_group" not in sql
    assert "otp_totp_totpdevice" not in sql


def test_a_role_given_shows_on_the_next_request(client, merchandiser):
    client.force_login(merchandiser)
    assert client.get("/production/board/").status_code == 403  # supervisors only

    merchandiser.groups.add(Group.objects.get(name=Role.SUPERVISOR))

    assert client.get("/production/board/").status_code == 200


def test_a_role_withdrawn_from_the_group_side_shows_on_the_next_request(client, supervisor):
    client.force_login(supervisor)
    assert client.get("/production/board/").status_code == 200

    Group.objects.get(name=Role.SUPERVISOR).user_set.remove(supervisor)

    assert client.get("/production/board/").status_code == 403


def test_a_group_emptied_at_once_takes_the_role_from_all_its_members(client, supervisor):
    client.force_login(supervisor)
    assert client.get("/production/board/").status_code == 200

    Group.objects.get(name=Role.SUPERVISOR).user_set.clear()

    assert client.get("/production/board/").status_code == 403


def test_a_deleted_group_takes_its_role_with_it(client, supervisor):
    client.force_login(supervisor)
    assert client.get("/production/board/").status_code == 200

    Group.objects.get(name=Role.SUPERVISOR).delete()

    assert client.get("/production/board/").status_code == 403


@override_settings(OTP_ENFORCE=True)
def test_a_device_confirmed_later_is_asked_for_on_the_next_request(client, merchandiser):
    client.force_login(merchandiser)
    assert client.get("/orders/").status_code == 200  # no device, and merchandisers need none

    TOTPDevice.objects.create(user=merchandiser, name="phone", confirmed=True)

    response = client.get("/orders/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("otp_verify"))


def test_signing_out_ends_the_session_in_the_cache_too(client, merchandiser):
    client.force_login(merchandiser)
    assert client.get("/orders/").status_code == 200
    cookie = client.cookies["sessionid"].value

    client.post("/accounts/logout/")
    client.cookies["sessionid"] = cookie  # replay the old cookie

    assert client.get("/orders/").status_code == 302


def test_pages_work_while_the_cache_is_down(client, merchandiser):
    client.force_login(merchandiser)  # the session is in the database (and the working cache)
    cookie = client.cookies["sessionid"].value

    with override_settings(CACHES=DEAD_CACHE):
        client.cookies["sessionid"] = cookie
        page = client.get(reverse("password_change"))  # signed in, with the navigation of the user's roles
        assert page.status_code == 200 and reverse("production:my_checkins") in page.content.decode()
        for url in ("/orders/", "/dashboards/merchandiser/", "/production/checkins/"):  # fragments, counts
            assert client.get(url).status_code == 200, url
        client.post(reverse("logout"))
        client.cookies["sessionid"] = cookie
        assert client.get(reverse("password_change")).status_code == 302
