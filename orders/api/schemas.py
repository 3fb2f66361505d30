"""What the API answers. The request body schema (OrderSubmission) belongs to the intake service."""

from datetime import date, datetime
from decimal import Decimal

from ninja import Field, Schema

from ..models import Order, OrderState


class FieldErrorOut(Schema):
    field: str | None = None
    message: str


class ErrorOut(Schema):
    detail: str
    code: str
    errors: list[FieldErrorOut] = []


class WarningOut(Schema):
    code: str
    message: str


class StatusChangeOut(Schema):
    status: str
    status_label: str
    at: datetime


class OrderLineOut(Schema):
    line_no: int
    style_no: str | None
    description: str
    colour: str
    size: str
    quantity: Decimal
    unit: str
    unit_price: Decimal


class OrderSummaryOut(Schema):
    id: int
    number: str | None = None
    status: str
    status_label: str
    customer_po: str
    currency: str
    delivery_date: date
    received_at: datetime


class OrderOut(OrderSummaryOut):
    # No notes: staff write the order's notes for staff (and add to what a customer sent), so none go out.
    trade_terms: str
    payment_terms: str
    ship_to: str
    lines: list[OrderLineOut]
    history: list[StatusChangeOut]


class OrderSubmitOut(OrderOut):
    replayed: bool
    warnings: list[WarningOut] = []


class OrderPageOut(Schema):
    items: list[OrderSummaryOut]
    next: str | None = Field(None, description="Cursor of the next (older) page; null on the last page.")
    prev: str | None = Field(None, description="Cursor of the previous (newer) page; null on the first page.")
    next_url: str | None = Field(None, description="The next page's full URL (same limit and status); or null.")
    prev_url: str | None = Field(None, description="The previous page's full URL (same limit and status); or null.")


def _label(status: str) -> str:
    try:
        return str(OrderState(status).label)
    except ValueError:
        return status


def order_summary(order: Order) -> dict:
    return {
        "id": order.pk,
        "number": order.number,
        "status": order.status,
        "status_label": _label(order.status),
        "customer_po": order.customer_po,
        "currency": order.currency.code,
        "delivery_date": order.delivery_date,
        "received_at": order.received_at,
    }


def order_detail(order: Order) -> dict:
    """Needs the order from selectors.api_order_get (lines and history already loaded)."""
    return {
        **order_summary(order),
        "trade_terms": order.trade_terms,
        "payment_terms": order.payment_terms,
        "ship_to": order.ship_to,
        "lines": [
            {
                "line_no": line.line_no,
                "style_no": line.product.style_no if line.product else None,
                "description": line.description,
                "colour": line.colour,
                "size": line.size,
                "quantity": line.quantity,
                "unit": line.unit.code,
                "unit_price": line.unit_price,
            }
            for line in order.api_lines
        ],
        "history": [
            {"status": e["to_state"], "status_label": _label(e["to_state"]), "at": e["created_at"]}
            for e in order.api_history
        ],
    }
