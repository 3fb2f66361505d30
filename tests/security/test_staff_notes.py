"""Staff notes stay inside (issue 19 item 8): the order's notes, a shipment's notes, a delivery note and a
delay's note are written by staff for staff. The customer's API, status page and emails never carry them."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from logistics.selectors import status_link_path
from logistics.services import status_link_ensure
from notifications.models import Notification
from orders.models import CustomerApiToken, Order
from orders.services import promise_approve
from orders.services.records import order_edit
from production.models import DelayReason
from production.services import delay_record

from ..factories import CustomerFactory, ProductFactory
from ..logistics.helpers import deliver, fresh, in_production_order, ship

pytestmark = pytest.mark.django_db

ORDER_NOTE = "STAFF-ORDER-NOTE slow payer, push for deposit"
SHIPMENT_NOTE = "STAFF-SHIPMENT-NOTE forwarder owes us a favour"
DELIVERY_NOTE = "STAFF-DELIVERY-NOTE box 3 dented"
DELAY_NOTE = "STAFF-DELAY-NOTE dye house blamed us"
SECRETS = (ORDER_NOTE, SHIPMENT_NOTE, DELIVERY_NOTE, DELAY_NOTE, "STAFF-")


@pytest.fixture
def order(merchandiser, supervisor, django_capture_on_commit_callbacks):
    """An order that went through every customer email (delay, shipment, delivery) with staff notes on each.
    The delay is a new date in the promise ledger: the customer is told once the supervisor approves it."""
    customer = CustomerFactory(merchandiser=merchandiser)
    with django_capture_on_commit_callbacks(execute=True):
        order = in_production_order(merchandiser, customer=customer, notes=ORDER_NOTE)
        proposal = delay_record(
            order_id=order.pk,
            actor=merchandiser,
            reason_id=DelayReason.objects.get(code="capacity").pk,
            new_date=order.delivery_date + timedelta(days=10),
            note=DELAY_NOTE,
        )
        promise_approve(promise_id=proposal.pk, actor=supervisor)
        shipment = ship(fresh(order), merchandiser, notes=SHIPMENT_NOTE)
        deliver(shipment, merchandiser, note=DELIVERY_NOTE)
    return fresh(order)


def assert_no_staff_note(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text


def test_the_api_never_returns_the_orders_notes(client, order, merchandiser):
    raw = CustomerApiToken.issue(customer=order.customer)[1]
    headers = {"Authorization": f"Bearer {raw}"}

    detail = client.get(f"/api/v1/orders/{order.pk}", headers=headers)
    listing = client.get("/api/v1/orders", headers=headers)

    assert detail.status_code == 200 and listing.status_code == 200
    assert "notes" not in detail.json()
    assert_no_staff_note(detail.content.decode())
    assert_no_staff_note(listing.content.decode())


def test_the_api_schema_offers_no_notes_in_what_it_answers(client):
    schema = client.get("/api/v1/openapi.json").json()
    for name in ("OrderOut", "OrderSubmitOut", "OrderSummaryOut"):
        assert "notes" not in schema["components"]["schemas"][name]["properties"]


def test_notes_a_customer_sent_are_not_echoed_once_staff_wrote_in_them(client, merchandiser):
    """The API takes the customer's notes with the order; staff may then add to the same field, so the
    answer carries neither."""
    customer = CustomerFactory(merchandiser=merchandiser)
    raw = CustomerApiToken.issue(customer=customer)[1]
    payload = {
        "customer_po": "PO-NOTES",
        "delivery_date": (timezone.localdate() + timedelta(days=60)).isoformat(),
        "currency": "USD",
        "notes": "please pack in 6s",
        "lines": [{"style_no": ProductFactory().style_no, "quantity": "10", "unit": "PCS", "unit_price": "1"}],
    }
    headers = {"Authorization": f"Bearer {raw}", "Idempotency-Key": "k-notes"}
    created = client.post("/api/v1/orders", json.dumps(payload), content_type="application/json", headers=headers)
    assert created.status_code == 201, created.content
    order = Order.objects.get(pk=created.json()["id"])
    order_edit(
        order_id=order.pk,
        actor=merchandiser,
        expected_version=order.version,
        header={"notes": order.notes + "\n" + ORDER_NOTE},
    )

    detail = client.get(f"/api/v1/orders/{order.pk}", headers={"Authorization": f"Bearer {raw}"})

    assert "notes" not in created.json() and "notes" not in detail.json()
    assert_no_staff_note(detail.content.decode())


def test_the_status_page_shows_no_staff_note(client, order):
    response = client.get(status_link_path(status_link_ensure(order=order)))

    assert response.status_code == 200
    assert_no_staff_note(response.content.decode())


def test_no_customer_email_carries_a_staff_note(order):
    sent = Notification.objects.filter(reference=f"order:{order.pk}")
    assert {n.kind for n in sent} >= {"production_delay", "shipment_shipped", "shipment_delivered"}
    for notice in sent:
        assert_no_staff_note(notice.subject + notice.body_text + notice.body_html)
