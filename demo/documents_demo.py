"""Documents in the demo: the PI of a confirmed order, confirmed online by its customer; the PI of a
received order, sent and waiting for the customer; the packing list of a shipped order's shipment.

The demo's shipments are recorded with the packing list left out of their notices
(DOCUMENTS_PACKING_LIST_IN_NOTICE, see demo.loader): drawing a PDF takes a second or two, and one packing
list shows the capability."""

import random

from documents.models import Document
from documents.services import packing_list_generate, pi_confirm_online, pi_generate, pi_send
from logistics.models import Shipment
from orders.models import Order, OrderState


def _first(orders, state: str) -> Order | None:
    return orders.filter(status=state).order_by("pk").first()


def load(rng: random.Random, *, customer_codes) -> dict:
    """Idempotent: nothing is made when the demo orders already have documents. `rng` is not used."""
    orders = Order.objects.filter(customer__code__in=customer_codes).select_related("customer", "merchandiser")
    if Document.objects.filter(order__in=orders).exists():
        return {"documents": 0}
    made = 0
    confirmed = _first(orders, OrderState.CONFIRMED)
    if confirmed is not None:
        pi = pi_generate(order_id=confirmed.pk, actor=confirmed.merchandiser)
        contact = confirmed.customer.contacts.order_by("pk").first()
        pi_confirm_online(order_id=confirmed.pk, document_id=pi.pk, contact=contact.name if contact else "Buyer")
        made += 1
    received = _first(orders, OrderState.RECEIVED)
    if received is not None:
        pi_generate(order_id=received.pk, actor=received.merchandiser)
        pi_send(order_id=received.pk, actor=received.merchandiser)
        made += 1
    shipment = Shipment.objects.filter(order__in=orders, order__status=OrderState.SHIPPED).order_by("pk").first()
    if shipment is not None:
        packing_list_generate(shipment_id=shipment.pk, actor=shipment.order.merchandiser)
        made += 1
    return {"documents": made}
