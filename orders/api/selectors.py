"""Reads for the customer API. Every query starts from the token's customer, so one customer's system
never reaches another customer's order by changing an id."""

import base64
import binascii
from datetime import datetime

from django.db.models import Q, QuerySet
from django.http import Http404

from ..models import Customer, EventType, Order, OrderEvent

HISTORY_LIMIT = 50


class BadCursor(ValueError):
    pass


def cursor_encode(order: Order) -> str:
    raw = f"{order.received_at.isoformat()}|{order.pk}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def cursor_decode(cursor: str) -> tuple[datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        stamp, pk = raw.split("|")
        received_at = datetime.fromisoformat(stamp)
        if received_at.tzinfo is None:
            raise ValueError("naive time")
        return received_at, int(pk)
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise BadCursor(cursor) from exc


def api_orders_for_customer(*, customer: Customer) -> QuerySet[Order]:
    return Order.objects.filter(customer=customer)


def api_order_page(
    *, customer: Customer, limit: int, cursor: str | None = None, status: str | None = None
) -> tuple[list[Order], str | None]:
    """Newest first, keyset-paginated on (received_at, id): one query of limit + 1 rows, never a count."""
    qs = api_orders_for_customer(customer=customer).select_related("currency")
    if status:
        qs = qs.filter(status=status)
    if cursor:
        received_at, pk = cursor_decode(cursor)
        qs = qs.filter(Q(received_at__lt=received_at) | Q(received_at=received_at, pk__lt=pk))
    rows = list(qs.order_by("-received_at", "-pk")[: limit + 1])
    page, more = rows[:limit], len(rows) > limit
    return page, (cursor_encode(page[-1]) if more else None)


def api_order_get(*, customer: Customer, pk: int) -> Order:
    """The order with its lines and state history (three queries), or 404 if it is not this customer's."""
    try:
        order = api_orders_for_customer(customer=customer).select_related("currency").get(pk=pk)
    except (Order.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    order.api_lines = list(order.lines.select_related("product", "unit").order_by("line_no"))
    order.api_history = list(
        OrderEvent.objects.filter(order=order, type__in=[EventType.CREATED, EventType.TRANSITION])
        .exclude(to_state="")
        .order_by("created_at", "id")
        .values("to_state", "created_at")[:HISTORY_LIMIT]
    )
    return order
