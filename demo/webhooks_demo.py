"""Webhooks in the demo: Pacific Apparel (merch.wang's customer, team A) has an endpoint pointed at the
development receiver of `make run` (/dev/webhooks/receiver/), and a few deliveries of its orders' events, so
merch.wang, sup.zhao and mgmt.zheng find them on the customer's Webhooks page, and the receiver's page
(/dev/webhooks/received/) lists them once the worker has sent them. Made once: a second load finds the
endpoint and changes nothing."""

from django.conf import settings

from accounts.models import User
from core.errors import InvalidInput
from logistics.models import Shipment
from orders.models import Customer, Order
from webhooks.events import Event
from webhooks.models import Endpoint
from webhooks.services import deliveries_record, endpoint_create

CUSTOMER = "PACI"
RECEIVER_PATH = "/dev/webhooks/receiver/"


def load() -> dict:
    customer = Customer.objects.filter(code=CUSTOMER).first()
    if customer is None or Endpoint.objects.filter(customer=customer).exists():
        return {"webhooks": "already there"}
    try:
        endpoint, _secret = endpoint_create(
            customer_id=customer.pk,
            actor=User.objects.get(username="merch.wang"),
            url=settings.SITE_URL.rstrip("/") + RECEIVER_PATH,
            events=Event.values,
            description="Pacific Apparel ERP (development receiver)",
        )
    except InvalidInput:  # production settings (a docker trial): no loopback receiver to point at
        return {"webhooks": "no development receiver"}
    made = []
    newest = Order.objects.filter(customer=customer).order_by("-received_at", "-pk").first()
    if newest is not None:
        made += deliveries_record(event="order.received", order=newest)
    shipment = (
        Shipment.objects.filter(order__customer=customer).select_related("order", "carrier").order_by("-pk").first()
    )
    if shipment is not None:
        made += deliveries_record(event="order.shipped", order=shipment.order, subject=shipment)
    return {"webhooks": f"{endpoint.url}: {len(made)} deliveries"}
