"""Intake (接收订单): every channel — phone, email, spreadsheet, customer system — ends in `order_create`."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from accounts.roles import Role, has_role
from core.dates import date_rule_error
from core.errors import InvalidInput

from .. import events, hooks
from ..models import INTAKE_CHANNELS, Currency, Customer, Order, OrderLine, Product, Unit
from .records import attachment_add


@dataclass
class LineInput:
    quantity: Decimal
    unit: Unit
    unit_price: Decimal
    product: Product | None = None
    description: str = ""
    colour: str = ""
    size: str = ""


@dataclass
class OrderInput:
    customer: Customer
    currency: Currency
    delivery_date: date
    lines: list[LineInput] = field(default_factory=list)
    customer_po: str = ""
    trade_terms: str = ""
    payment_terms: str = ""
    ship_to: str = ""
    notes: str = ""


def _validate(data: OrderInput) -> None:
    errors = []
    if not data.lines:
        errors.append(_("An order needs at least one line."))
    for number, line in enumerate(data.lines, start=1):
        if line.quantity is None or line.quantity <= 0:
            errors.append(_("Line %(n)d: the quantity must be more than zero.") % {"n": number})
        if line.unit_price is None or line.unit_price < 0:
            errors.append(_("Line %(n)d: the price cannot be negative.") % {"n": number})
        if not line.product and not line.description.strip():
            errors.append(_("Line %(n)d: choose a product or describe the item.") % {"n": number})
    if data.delivery_date and data.delivery_date < timezone.localdate() - timezone.timedelta(days=1):
        errors.append(_("The delivery date is in the past."))
    elif data.delivery_date and (problem := date_rule_error(data.delivery_date)):
        errors.append(problem)
    if errors:
        raise InvalidInput(_("The order could not be saved."), reasons=errors)


def order_create(
    *, data: OrderInput, channel: str, actor=None, merchandiser=None, source_file=None, source_kind: str = ""
) -> Order:
    """Receive an order. It starts in `received` with one `created` event (and the source file, if any).

    The owner is, in order: the merchandiser given, the person taking the order if they are a
    merchandiser, the customer's usual merchandiser.
    """
    if channel not in INTAKE_CHANNELS:
        raise InvalidInput(_("Unknown channel."))
    _validate(data)
    owner = merchandiser
    if owner is None and actor is not None and has_role(actor, Role.MERCHANDISER):
        owner = actor
    owner = owner or data.customer.merchandiser
    if owner is None:
        raise InvalidInput(_("The customer has no usual merchandiser; choose who owns the order."))
    with transaction.atomic():
        order = Order(
            channel=channel,
            customer=data.customer,
            customer_po=data.customer_po.strip(),
            merchandiser=owner,
            currency=data.currency,
            delivery_date=data.delivery_date,
            trade_terms=data.trade_terms,
            payment_terms=data.payment_terms,
            ship_to=data.ship_to,
            notes=data.notes,
            created_by=actor,
        )
        order._history_user = actor
        order.save()
        bulk_create_with_history(
            [
                OrderLine(
                    order=order,
                    line_no=number,
                    product=line.product,
                    description=line.description or (line.product.name if line.product else ""),
                    colour=line.colour,
                    size=line.size,
                    quantity=line.quantity,
                    unit=line.unit,
                    unit_price=line.unit_price,
                )
                for number, line in enumerate(data.lines, start=1)
            ],
            OrderLine,
            default_user=actor,
        )
        events.event_created(order, actor, channel=channel)
        if source_file is not None:
            attachment_add(order=order, uploaded=source_file, kind=source_kind or "other", actor=actor)
        hooks.customer_event("order.received", order)
    return order
