"""Builders for logistics, after-sales and notification tests: orders in the later stages, made through
the real services (production start, shipments, delivery), so every state has its work record."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from logistics.models import Carrier, ShipmentMode
from logistics.services import ShipmentInput, shipment_confirm_delivery, shipment_create
from production.services import RunDetails, production_start

from ..conftest import advance
from ..factories import make_order


def fresh(obj):
    """The row as stored now (the order's protected FSM field forbids refresh_from_db)."""
    return type(obj).objects.get(pk=obj.pk)


def make_carrier(code="sf-express", **overrides) -> Carrier:
    values = {
        "name_zh": "顺丰速运",
        "name_en": "SF Express",
        "default_mode": ShipmentMode.EXPRESS,
        "tracking_url": "https://www.sf-express.example/track?no={tracking}",
    }
    values.update(overrides)
    return Carrier.objects.get_or_create(code=code, defaults=values)[0]


def in_production_order(merchandiser, *, lines=2, **overrides):
    order = advance(make_order(merchandiser=merchandiser, lines=lines, **overrides), merchandiser, "confirm", "enter")
    details = RunDetails(
        factory="Ningbo No. 2 garment factory",
        line="Line 3",
        work_order_ref="WO-2026-0042",
        start_date=timezone.localdate(),
    )
    return production_start(order_id=order.pk, actor=merchandiser, details=details)


def shipment_input(order, *, quantities=None, carrier=None, **overrides) -> ShipmentInput:
    """All that is left of every line, by express, unless told otherwise."""
    if quantities is None:
        quantities = {line.pk: line.quantity for line in order.lines.all()}
    values = {
        "carrier": carrier or make_carrier(),
        "mode": ShipmentMode.EXPRESS,
        "tracking_number": "SF1234567890",
        "ship_date": timezone.localdate(),
        "eta": timezone.localdate() + timedelta(days=5),
        "quantities": quantities,
    }
    values.update(overrides)
    return ShipmentInput(**values)


def ship(order, actor, **kwargs):
    return shipment_create(order_id=order.pk, actor=actor, data=shipment_input(order, **kwargs))


def deliver(shipment, actor, *, on=None, **kwargs):
    return shipment_confirm_delivery(
        shipment_id=shipment.pk, actor=actor, delivered_on=on or timezone.localdate(), **kwargs
    )


def shipped_order(merchandiser, **overrides):
    order = in_production_order(merchandiser, **overrides)
    shipment = ship(order, merchandiser)
    order = fresh(order)
    return order, shipment


def after_sales_order(merchandiser, **overrides):
    order, shipment = shipped_order(merchandiser, **overrides)
    deliver(shipment, merchandiser)
    order = fresh(order)
    return order


def half(line) -> Decimal:
    return (line.quantity / 2).quantize(Decimal("0.01"))
