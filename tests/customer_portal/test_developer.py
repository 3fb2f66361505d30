"""API tokens and webhook endpoints, managed by the contact for their own company only."""

import pytest

from customer_portal.models import PortalEvent
from orders.models import CustomerApiToken
from webhooks.models import Endpoint
from webhooks.services import can_manage_webhooks, endpoint_create

from ..factories import CustomerFactory

pytestmark = pytest.mark.django_db


def test_a_token_is_shown_once_and_revoked(client, contact_user):
    client.force_login(contact_user)
    issued = client.post("/customer/developer/tokens/", {"label": "ERP"})
    token = CustomerApiToken.objects.get()
    raw = issued.context["raw"]
    assert token.customer == contact_user.customer_contact.customer and token.key_hash == token.hash_key(raw)
    assert raw not in client.get("/customer/developer/").content.decode()
    assert client.get("/api/v1/orders", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200

    client.post(f"/customer/developer/tokens/{token.pk}/revoke/")
    assert client.get("/api/v1/orders", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
    assert [e.action for e in PortalEvent.objects.order_by("pk")][-2:] == ["token_issued", "token_revoked"]


def test_another_companys_token_and_endpoint_do_not_exist_for_the_contact(client, contact_user, merchandiser):
    other = CustomerFactory(merchandiser=merchandiser)
    token, _raw = CustomerApiToken.issue(customer=other)
    endpoint, _secret = endpoint_create(
        customer_id=other.pk, actor=merchandiser, url="http://127.0.0.1:9/x", events=["order.shipped"]
    )
    assert not can_manage_webhooks(contact_user, other)
    assert can_manage_webhooks(contact_user, contact_user.customer_contact.customer)
    client.force_login(contact_user)
    client.post(f"/customer/developer/tokens/{token.pk}/revoke/")
    token.refresh_from_db()
    assert token.revoked_at is None
    assert client.get(f"/customer/developer/endpoints/{endpoint.pk}/").status_code == 404
    assert client.post(f"/customer/developer/endpoints/{endpoint.pk}/rotate/").status_code == 404


def test_the_contact_adds_and_changes_an_endpoint(client, contact_user):
    client.force_login(contact_user)
    added = client.post(
        "/customer/developer/endpoints/new/",
        {"url": "http://127.0.0.1:9/in", "events": ["order.shipped"], "active": "on"},
    )
    assert added.status_code == 200 and added.context["secret"]
    endpoint = Endpoint.objects.get()
    assert endpoint.customer == contact_user.customer_contact.customer and endpoint.created_by == contact_user
    bad = client.post(f"/customer/developer/endpoints/{endpoint.pk}/", {"url": "ftp://nowhere", "events": []})
    assert bad.status_code == 400
    client.post(
        f"/customer/developer/endpoints/{endpoint.pk}/",
        {"url": "http://127.0.0.1:9/v2", "events": ["order.shipped", "order.confirmed"]},
    )
    endpoint.refresh_from_db()
    assert endpoint.url == "http://127.0.0.1:9/v2" and not endpoint.active
