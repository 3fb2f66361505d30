"""The go-live import writes in bulk: a file of a few hundred orders lands with the rows the per-order path
wrote (one imported event each, gapless numbers, history rows, plans, runs, shipments), and the number of
queries does not grow with the number of orders."""

import re
from collections import Counter

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from golive.services import golive_import
from logistics.models import Shipment, ShipmentLine
from orders.models import EventType, Order, OrderEvent, OrderLine, OrderNumberSequence, OrderState
from production.models import PlanMilestone, ProductionPlan, ProductionRun

from .helpers import csv_file, many

S = OrderState
ENTERED_OR_LATER = {S.ENTERED, S.IN_PRODUCTION, S.SHIPPED, S.AFTER_SALES, S.CLOSED}


def test_a_file_of_hundreds_of_orders_lands_with_every_row(world, supervisor):
    count = 350  # more than one batch of the import's writes
    returned = golive_import(uploaded=csv_file(many(count)), actor=supervisor)

    orders = list(Order.objects.order_by("pk"))
    assert len(returned) == len(orders) == count
    assert [o.customer_po for o in orders] == [f"BULK-{n:04d}" for n in range(count)]  # file order
    assert len({o.imported_at for o in orders}) == 1 and orders[0].imported_at is not None

    # One imported event each, first on its work record, all dated before the import's stamp.
    assert Counter(OrderEvent.objects.filter(type=EventType.IMPORTED).values_list("order_id", flat=True)) == {
        o.pk: 1 for o in orders
    }
    for order in orders[:14]:
        record = list(order.events.order_by("created_at", "pk"))
        assert record[0].type == EventType.IMPORTED and record[0].to_state == order.status
        assert all(e.created_at <= order.imported_at for e in record)
    assert not OrderEvent.objects.filter(type__in=[EventType.CREATED, EventType.TRANSITION]).exists()

    # Numbers from entered on: the next of the year, in file order, with no gap.
    entered = [o for o in orders if o.status in ENTERED_OR_LATER]
    assert all(o.number for o in entered) and not any(o.number for o in orders if o not in entered)
    by_year: dict[int, list[int]] = {}
    for order in entered:
        by_year.setdefault(timezone.localtime(order.entered_at).year, []).append(
            int(re.findall(r"\d+", order.number)[-1])
        )
    for year, seqs in by_year.items():
        assert seqs == list(range(1, len(seqs) + 1))
        assert OrderNumberSequence.objects.get(year=year).last_value == len(seqs)

    # History rows, as saving each order and line wrote them.
    assert Order.history.count() == count and OrderLine.history.count() == count
    assert set(Order.history.values_list("history_user_id", flat=True)) == {supervisor.pk}

    # The stages: a plan from entered on, its milestones done, a run with a factory, the shipments.
    assert ProductionPlan.objects.count() == len(entered)
    plan_events = OrderEvent.objects.filter(type=EventType.STAGE, payload__action="plan_generated")
    assert plan_events.count() == len(entered)
    making = [o for o in orders if o.status == S.IN_PRODUCTION]
    for order in making[:3]:
        done = set(
            PlanMilestone.objects.filter(plan__order=order, actual_date__isnull=False).values_list("code", flat=True)
        )
        assert done == {"materials_booked"}
    later = [o for o in orders if o.status in (S.SHIPPED, S.AFTER_SALES, S.CLOSED)]
    assert not PlanMilestone.objects.filter(plan__order__in=later, actual_date__isnull=True).exists()
    assert ProductionRun.objects.count() == len(making) + len(later)
    assert Shipment.objects.count() == len(making) + len(later)
    assert set(Shipment.objects.values_list("seq", flat=True)) == {1}
    assert ShipmentLine.objects.filter(shipment__order__in=making).first().quantity == 400
    assert OrderEvent.objects.filter(type=EventType.STAGE, payload__action="shipped").count() == len(making) + len(
        later
    )


def _queries(count: int, supervisor, prefix: str) -> int:
    uploaded = csv_file(many(count, prefix=prefix))
    with CaptureQueriesContext(connection) as captured:
        golive_import(uploaded=uploaded, actor=supervisor)
    return len(captured.captured_queries)


def test_the_queries_do_not_grow_with_the_orders(world, supervisor):
    few = _queries(14, supervisor, "FEW")
    more = _queries(70, supervisor, "MORE")

    assert more - few <= 4, (few, more)
