"""Fast test data for counting queries: many rows, written in bulk (the services are tested elsewhere)."""

import itertools
from datetime import timedelta

from django.utils import timezone

from orders.models import Currency, Order, OrderEvent, OrderLine, Unit

from ..factories import CustomerFactory, ProductFactory

_numbers = itertools.count(1)


def bulk_orders(*, merchandiser, n: int, customer=None) -> list[Order]:
    """`n` entered-looking orders of `merchandiser`, each with one line, newest first by received_at."""
    customer = customer or CustomerFactory(merchandiser=merchandiser)
    product = ProductFactory()
    usd, pcs = Currency.objects.get(code="USD"), Unit.objects.get(code="PCS")
    now = timezone.now()
    orders = Order.objects.bulk_create(
        [
            Order(
                number=f"SO-2099-{next(_numbers):06d}",
                channel="email",
                customer=customer,
                customer_po=f"PO-{i}",
                merchandiser=merchandiser,
                created_by=merchandiser,
                currency=usd,
                delivery_date=(now + timedelta(days=60)).date(),
                received_at=now - timedelta(minutes=i),
                is_at_risk=i % 3 == 0,
            )
            for i in range(n)
        ]
    )
    OrderLine.objects.bulk_create(
        [OrderLine(order=o, line_no=1, product=product, unit=pcs, quantity=10, unit_price=1) for o in orders]
    )
    return orders


def bulk_events(*, order, actors, n: int) -> None:
    """`n` note events on `order`, by the given people in turn (so a missing select_related shows)."""
    now = timezone.now()
    OrderEvent.objects.bulk_create(
        [
            OrderEvent(order=order, type="note", actor=actors[i % len(actors)], note=f"note {i}",
                       created_at=now - timedelta(seconds=i))
            for i in range(n)
        ]
    )  # fmt: skip


def bulk_lines(*, order, n: int) -> None:
    product = ProductFactory()
    pcs = Unit.objects.get(code="PCS")
    start = order.lines.count() + 1
    OrderLine.objects.bulk_create(
        [
            OrderLine(order=order, line_no=start + i, product=product, unit=pcs, quantity=5, unit_price=2)
            for i in range(n)
        ]
    )


def counts_all_orders(sql: str) -> bool:
    """A COUNT that reads orders_order with no LIMIT on what it counts (the whole table, or all of a
    filter's matches). SELECT COUNT(*) FROM (SELECT ... LIMIT n) is bounded and passes."""
    upper = sql.upper()
    if "COUNT(" not in upper or '"ORDERS_ORDER"' not in upper:
        return False
    return " LIMIT " not in upper
