"""The customer's system sees its deliveries and replays one through the API; staff manage endpoints on the
customer's page."""

import pytest
from django.urls import reverse

from orders.models import CustomerApiToken
from webhooks.models import Delivery, Endpoint

from ..factories import CustomerFactory, make_order
from .test_deliveries import subscribe

pytestmark = pytest.mark.django_db


def bearer(customer) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {CustomerApiToken.issue(customer=customer)[1]}"}


def test_the_customer_lists_its_deliveries_with_attempts_and_replays_one(
    client, receiver, merchandiser, django_capture_on_commit_callbacks
):
    customer = CustomerFactory(merchandiser=merchandiser)
    subscribe(receiver, customer, merchandiser, events=["order.received"])
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            make_order(merchandiser=merchandiser, customer=customer)
    auth = bearer(customer)

    page = client.get("/api/v1/webhook-deliveries?limit=2", **auth).json()
    assert len(page["items"]) == 2 and page["next"]
    rest = client.get(f"/api/v1/webhook-deliveries?limit=2&before={page['next']}", **auth).json()
    assert len(rest["items"]) == 1 and rest["next"] is None
    first = page["items"][0]
    assert first["status"] == "succeeded" and first["attempts"][0]["status_code"] == 204
    assert first["event"] == "order.received" and first["event_id"].startswith("evt_")

    with django_capture_on_commit_callbacks(execute=True):
        replayed = client.post(f"/api/v1/webhook-deliveries/{first['id']}/replay", **auth)
    assert replayed.status_code == 202
    assert [r["id"] for r in receiver.taken()].count(first["event_id"]) == 2

    other = bearer(CustomerFactory(merchandiser=merchandiser))
    assert client.get("/api/v1/webhook-deliveries", **other).json()["items"] == []
    refused = client.post(f"/api/v1/webhook-deliveries/{first['id']}/replay", **other)
    assert refused.status_code == 404 and refused.json()["code"] == "not_found"


def test_the_schema_documents_the_webhook_operations(client):
    schema = client.get("/api/v1/openapi.json").json()
    operations = {op["operationId"] for path in schema["paths"].values() for op in path.values()}
    assert {"webhook_delivery_list", "webhook_delivery_replay"} <= operations
    replay = schema["paths"]["/api/v1/webhook-deliveries/{delivery_id}/replay"]["post"]
    assert {"202", "401", "404", "422", "429"} <= set(replay["responses"])


def test_the_merchandiser_adds_an_endpoint_and_sees_its_secret_once(client, merchandiser):
    customer = CustomerFactory(merchandiser=merchandiser)
    client.force_login(merchandiser)
    page = client.get(reverse("orders:customer_edit", kwargs={"pk": customer.pk}))
    url = reverse("webhooks:customer", kwargs={"customer_pk": customer.pk})
    assert url in page.content.decode()

    refused = client.post(url, {"url": "https://10.0.0.8/hook", "events": []})
    assert refused.status_code == 400 and not Endpoint.objects.exists()
    assert "private" in refused.content.decode()

    added = client.post(url, {"url": "http://127.0.0.1:8123/hook", "events": ["order.shipped", "order.delivered"]})
    endpoint = Endpoint.objects.get()
    assert endpoint.events == ["order.shipped", "order.delivered"]
    assert endpoint.secret in added.content.decode()
    assert endpoint.secret not in client.get(url).content.decode()  # shown once


def test_other_teams_do_not_see_a_customers_webhooks(client, merchandiser, other_merchandiser):
    customer = CustomerFactory(merchandiser=merchandiser)
    client.force_login(other_merchandiser)
    assert client.get(reverse("webhooks:customer", kwargs={"customer_pk": customer.pk})).status_code == 404
    page = client.get(reverse("orders:customer_edit", kwargs={"pk": customer.pk}))
    assert reverse("webhooks:customer", kwargs={"customer_pk": customer.pk}) not in page.content.decode()


def test_staff_replay_from_the_delivery_page(client, receiver, merchandiser, django_capture_on_commit_callbacks):
    customer = CustomerFactory(merchandiser=merchandiser)
    subscribe(receiver, customer, merchandiser, events=["order.received"])
    with django_capture_on_commit_callbacks(execute=True):
        make_order(merchandiser=merchandiser, customer=customer)
    delivery = Delivery.objects.get()
    client.force_login(merchandiser)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("webhooks:delivery_replay", kwargs={"pk": delivery.pk}))
    page = client.get(reverse("webhooks:delivery", kwargs={"pk": delivery.pk})).content.decode()
    assert page.count('data-testid="attempt"') == 2
    assert len(receiver.taken()) == 2
