"""One explicit serializer per event: what a customer's system is told, field by field.

Only what the customer sees elsewhere (the API, the status page, the notices) goes in: never the order's
notes, a shipment's internal notes or delivery note, a promise's internal note, a case's owner, root cause
or description, nor who did it on our side. tests/webhooks/test_payloads.py plants a marker in every
internal field and proves that no payload carries it. A new field is added here on purpose or not at all.
"""

import json
from collections.abc import Callable

from django.core.serializers.json import DjangoJSONEncoder


def _date(value):
    return value.isoformat() if value else None


def _order(order) -> dict:
    return {
        "id": order.pk,
        "number": order.number,
        "customer_po": order.customer_po,
        "status": order.status,
        "delivery_date": _date(order.delivery_date),
        "received_at": _date(order.received_at),
    }


def _shipment(shipment) -> dict:
    return {
        "reference": shipment.reference,
        "mode": shipment.mode,
        "carrier": shipment.carrier.name_en,
        "tracking_number": shipment.tracking_number or None,
        "ship_date": _date(shipment.ship_date),
        "eta": _date(shipment.eta),
        "lines": [
            {
                "line_no": line.order_line.line_no,
                "style_no": line.order_line.product.style_no if line.order_line.product_id else None,
                "description": line.order_line.description,
                "quantity": str(line.quantity),
            }
            for line in shipment.lines.select_related("order_line__product").order_by("order_line__line_no")
        ],
    }


def _case(case) -> dict:
    return {
        "reference": case.reference,
        "type": case.case_type,
        "severity": case.severity,
        "subject": case.subject,
        "status": case.status,
        "opened_at": _date(case.opened_at),
    }


def order_received(order, subject) -> dict:
    return {"order": _order(order)}


def order_confirmed(order, subject) -> dict:
    return {"order": {**_order(order), "confirmed_at": _date(order.confirmed_at)}}


def order_entered(order, subject) -> dict:
    return {"order": {**_order(order), "entered_at": _date(order.entered_at)}}


def order_production_started(order, subject) -> dict:
    return {"order": _order(order)}


def order_delayed(order, promise) -> dict:
    return {
        "order": _order(order),
        "delay": {
            "new_delivery_date": _date(promise.delivery_date),
            "previous_delivery_date": _date(promise.previous_date),
        },
    }


def order_shipped(order, shipment) -> dict:
    return {"order": _order(order), "shipment": _shipment(shipment)}


def order_delivered(order, shipment) -> dict:
    return {
        "order": _order(order),
        "shipment": {
            **_shipment(shipment),
            "delivered_on": _date(shipment.delivered_on),
            "received_by": shipment.received_by or None,
        },
    }


def case_opened(order, case) -> dict:
    return {"order": _order(order), "case": _case(case)}


def case_resolved(order, case) -> dict:
    return {
        "order": _order(order),
        "case": {**_case(case), "resolved_at": _date(case.resolved_at), "resolution": case.resolution},
    }


SERIALIZERS: dict[str, Callable[..., dict]] = {
    "order.received": order_received,
    "order.confirmed": order_confirmed,
    "order.entered": order_entered,
    "order.production_started": order_production_started,
    "order.delayed": order_delayed,
    "order.shipped": order_shipped,
    "order.delivered": order_delivered,
    "case.opened": case_opened,
    "case.resolved": case_resolved,
}


def body_for(*, event: str, order, subject, at) -> str:
    """The request body, as in the Standard Webhooks spec: {"type", "timestamp", "data"}."""
    payload = {"type": event, "timestamp": at.isoformat(), "data": SERIALIZERS[event](order, subject)}
    return json.dumps(payload, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":"))
