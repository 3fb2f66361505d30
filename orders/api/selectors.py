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


# A cursor names the order a page starts after (going to older orders) or before ("<" prefix: going back to
# newer ones). Cursors without the prefix are what "next" always was, so saved ones keep working.
BACK = "<"


def cursor_encode(order: Order, *, back: bool = False) -> str:
    raw = f"{BACK if back else ''}{order.received_at.isoformat()}|{order.pk}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def cursor_decode(cursor: str) -> tuple[datetime, int, bool]:
    """(received_at, id, back)."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        back = raw.startswith(BACK)
        stamp, pk = raw.removeprefix(BACK).split("|")
        received_at = datetime.fromisoformat(stamp)
        if received_at.tzinfo is None:
            raise ValueError("naive time")
        return received_at, int(pk), back
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise BadCursor(cursor) from exc


def api_orders_for_customer(*, customer: Customer) -> QuerySet[Order]:
    return Order.objects.filter(customer=customer)


def api_order_page(
    *, customer: Customer, limit: int, cursor: str | None = None, status: str | None = None
) -> tuple[list[Order], str | None, str | None]:
    """Newest first, keyset-paginated on (received_at, id): one query of limit + 1 rows, never a count.
    Returns the page and the cursors of the next (older) and previous (newer) pages, None where there is none."""
    qs = api_orders_for_customer(customer=customer).select_related("currency")
    if status:
        qs = qs.filter(status=status)
    if not cursor:
        rows = list(qs.order_by("-received_at", "-pk")[: limit + 1])
        page = rows[:limit]
        return page, (cursor_encode(page[-1]) if len(rows) > limit else None), None
    received_at, pk, back = cursor_decode(cursor)
    if back:
        newer = Q(received_at__gt=received_at) | Q(received_at=received_at, pk__gt=pk)
        rows = list(qs.filter(newer).order_by("received_at", "pk")[: limit + 1])
        page = rows[:limit][::-1]
        # The cursor's own order is older than this page, so a next page is there (unless it went since).
        prev_cursor = cursor_encode(page[0], back=True) if len(rows) > limit else None
        return page, (cursor_encode(page[-1]) if page else None), prev_cursor
    older = Q(received_at__lt=received_at) | Q(received_at=received_at, pk__lt=pk)
    rows = list(qs.filter(older).order_by("-received_at", "-pk")[: limit + 1])
    page = rows[:limit]
    # A page reached by a cursor has newer orders before it: the ones the cursor came from.
    return (
        page,
        (cursor_encode(page[-1]) if len(rows) > limit else None),
        (cursor_encode(page[0], back=True) if page else None),
    )


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
