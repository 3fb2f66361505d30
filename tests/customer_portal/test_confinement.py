"""A contact's login reaches the portal and nothing else; staff do not reach the portal."""

import pytest

pytestmark = pytest.mark.django_db

STAFF_PAGES = [
    "/orders/",
    "/inbox/",
    "/search/?q=x",
    "/dashboards/merchandiser/",
    "/webhooks/customers/1/",
    "/logistics/shipments/",
    "/calendar-feed/",
    "/admin/",
    "/supervision/policy/",
]


@pytest.mark.parametrize("path", STAFF_PAGES)
def test_a_contact_is_refused_on_staff_pages(client, contact_user, path):
    client.force_login(contact_user)
    assert client.get(path).status_code == 403


def test_a_contact_reaches_the_portal_password_otp_language_and_sign_out(client, contact_user):
    client.force_login(contact_user)
    for path in (
        "/customer/",
        "/customer/orders/",
        "/customer/developer/",
        "/accounts/password/change/",
        "/accounts/otp/setup/",
    ):
        assert client.get(path).status_code == 200, path
    assert client.get("/")["Location"] == "/customer/"
    assert client.post("/i18n/set-language/", {"language": "zh-hans"}).status_code == 302
    assert client.post("/accounts/logout/").status_code == 302


def test_staff_are_refused_on_the_portal(client, merchandiser, management_user):
    for person in (merchandiser, management_user):
        client.force_login(person)
        assert client.get("/customer/").status_code == 403
        assert client.get("/customer/orders/").status_code == 403


def test_the_anonymous_are_sent_to_sign_in(client):
    assert client.get("/customer/orders/")["Location"].startswith("/accounts/login/")


def test_a_revoked_contacts_link_to_a_customer_confers_nothing_on_staff(client, contact_user, merchandiser):
    # A staff role given to a contact's login turns it into staff: it is no longer confined, and no
    # longer a portal principal (the portal refuses it).
    from django.contrib.auth.models import Group

    contact_user.groups.add(Group.objects.get(name="Merchandiser"))
    client.force_login(contact_user)
    assert client.get("/customer/").status_code == 403
