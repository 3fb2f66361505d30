"""seed_bench's shipments (logistics/bench_seed.py) are what logistics' services would have left: only for
orders that reached shipping, exactly the ordered quantities once shipped, dates inside the order's stage
times, deliveries that agree with the order's state, and rows the app's pages and services take as their
own. PostgreSQL only (the seeder is SQL): skipped on SQLite, run under CI."""

from collections import Counter, defaultdict
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from devtools.seeders.logistics import EVENT_WINDOW_DAYS
from devtools.seeding import SeedConfig, seed_bench
from logistics.guards import guard_begin_after_sales, guard_ship
from logistics.models import Shipment, ShipmentLine, ShipmentMode, StatusLink
from logistics.selectors import everything_shipped, last_delivery_date, status_link_path
from logistics.services import ShipmentInput, shipment_confirm_delivery, shipment_create
from orders.models import Order, OrderEvent, OrderState


@pytest.fixture
def seeded(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("seed_bench writes PostgreSQL SQL; CI runs this on PostgreSQL")
    # A year of orders: most closed, enough still in production, shipped or in after-sales to check those.
    config = SeedConfig(orders=800, teams=2, merchandisers=4, customers=12, products=20, years=1.0, heavy_every=200)
    return seed_bench(config=config, reset=True, log=lambda _msg: None)


def transition_times(name: str) -> dict[int, object]:
    return dict(
        OrderEvent.objects.filter(type="transition", payload__transition=name).values_list("order_id", "created_at")
    )


def local(moment):
    return timezone.localtime(moment).date()


def test_shipments_only_for_orders_that_reached_shipping(seeded):
    assert seeded.extras["shipments"] > 0
    by_order = defaultdict(list)
    for order_id, seq in Shipment.objects.values_list("order_id", "seq"):
        by_order[order_id].append(seq)
    statuses = dict(Order.objects.values_list("id", "status"))

    shipped_or_later = {pk for pk, status in statuses.items() if status in ("shipped", "after_sales", "closed")}
    assert shipped_or_later and shipped_or_later <= set(by_order)
    for order_id, seqs in by_order.items():
        assert sorted(seqs) == list(range(1, len(seqs) + 1)) and len(seqs) <= 2
        if statuses[order_id] == OrderState.IN_PRODUCTION:
            assert seqs == [1]  # the first part of a split, already gone
        else:
            assert order_id in shipped_or_later
    splits = sum(1 for seqs in by_order.values() if len(seqs) == 2)
    assert 0.03 * len(by_order) <= splits <= 0.3 * len(by_order)
    # the page's link, one per order that was emailed about a shipment
    assert set(StatusLink.objects.values_list("order_id", flat=True)) == set(by_order)


def test_shipped_quantities_are_the_ordered_ones(seeded):
    for order in Order.objects.filter(shipments__isnull=False).distinct():
        if order.status == OrderState.IN_PRODUCTION:
            assert not everything_shipped(order=order)
            assert guard_ship(order) is not None  # the manual button still refuses
        else:
            assert everything_shipped(order=order), order.pk
            assert guard_ship(order) is None
    lines_per_shipment = Counter(ShipmentLine.objects.values_list("shipment_id", flat=True))
    assert set(lines_per_shipment) == set(Shipment.objects.values_list("pk", flat=True))


def test_dates_follow_the_orders_stage_times(seeded):
    started, shipped, after_sales, closed = (
        transition_times(name) for name in ("start_production", "ship", "begin_after_sales", "close")
    )
    today = timezone.localdate()
    late = delivered = 0
    for s in Shipment.objects.select_related("order"):
        order = s.order
        assert started[order.pk] < s.created_at
        assert local(order.received_at) <= s.ship_date <= local(s.created_at) <= today
        assert s.eta >= s.ship_date
        if order.pk in shipped:
            assert s.created_at < shipped[order.pk]
        if s.delivered_on is None:
            assert not (s.received_by or s.delivery_recorded_at or s.delivery_recorded_by_id)
            continue
        delivered += 1
        late += s.delivered_on > s.eta
        assert s.ship_date <= s.delivered_on <= local(s.delivery_recorded_at)
        assert s.created_at < s.delivery_recorded_at <= timezone.now()
        assert s.delivery_recorded_by_id == order.merchandiser_id == s.created_by_id
        if order.pk in after_sales:
            assert s.delivery_recorded_at < after_sales[order.pk]
    assert delivered and 0.01 * delivered <= late <= 0.15 * delivered

    for order in Order.objects.filter(status__in=["after_sales", "closed"]):
        assert guard_begin_after_sales(order) is None  # every delivery confirmed
        if order.status == OrderState.CLOSED:  # and the service period was over when it closed
            ends = last_delivery_date(order=order) + timedelta(days=settings.AFTERSALES_SERVICE_PERIOD_DAYS)
            assert ends <= local(closed[order.pk])
    for order in Order.objects.filter(status="shipped"):
        assert guard_begin_after_sales(order) is not None  # the last one is still on its way


def test_carriers_modes_tracking_and_the_work_record(seeded):
    shipments = list(Shipment.objects.select_related("carrier", "order"))
    assert len({s.mode for s in shipments}) >= 3
    for s in shipments:
        assert s.carrier.active and s.carrier.name_zh and s.carrier.name_en
        if s.mode in settings.LOGISTICS_TRACKED_MODES:
            assert s.tracking_number
    assert ShipmentMode.SEA in {s.mode for s in shipments}

    events = defaultdict(list)
    for payload in OrderEvent.objects.filter(type="stage", payload__stage="logistics").values_list(
        "payload", flat=True
    ):
        events[payload["shipment"]].append(payload)
    shipped = transition_times("ship")
    window_start = datetime.fromisoformat(seeded.seeded_at) - timedelta(days=EVENT_WINDOW_DAYS)
    recorded = 0
    for s in shipments:
        actions = sorted(e["action"] for e in events[s.pk])
        if s.order.status != OrderState.IN_PRODUCTION and shipped[s.order_id] < window_start:
            assert actions == []  # older history: see EVENT_WINDOW_DAYS
            continue
        recorded += 1
        assert actions == (["delivered", "shipped"] if s.delivered_on else ["shipped"])
        sent = next(e for e in events[s.pk] if e["action"] == "shipped")
        assert sent["reference"] == s.reference
        assert sent["complete"] == (s.order.status != OrderState.IN_PRODUCTION and s.seq == s.order.shipments.count())
        quantities = {str(line.order_line.line_no): line.quantity for line in s.lines.select_related("order_line")}
        assert {n: Decimal(q) for n, q in sent["lines"].items()} == quantities
    assert 0 < recorded < len(shipments)


def test_a_seeded_shipment_shows_on_the_order_page_and_the_customers_page(seeded, client):
    shipment = (
        Shipment.objects.filter(order__status=OrderState.SHIPPED, delivered_on=None)
        .select_related("order__merchandiser")
        .first()
    )
    if shipment is None:
        pytest.skip("no order in transit in this small sample")
    order = shipment.order
    client.force_login(order.merchandiser)

    page = client.get(reverse("orders:detail", args=[order.pk]))

    assert page.status_code == 200
    assert shipment.reference in page.content.decode()
    customer_page = client.get(status_link_path(order.status_link))
    assert customer_page.status_code == 200
    assert order.number in customer_page.content.decode()


def test_seeded_orders_move_on_through_the_services(seeded):
    # an order in transit: confirming its last delivery starts after-sales
    in_transit = Counter(
        Shipment.objects.filter(order__status=OrderState.SHIPPED, delivered_on=None).values_list("order_id", flat=True)
    )
    order_id = next((pk for pk, count in sorted(in_transit.items()) if count == 1), None)
    if order_id is None:
        pytest.skip("no order in transit in this small sample")
    shipment = Shipment.objects.select_related("order__merchandiser").get(order_id=order_id, delivered_on=None)

    shipment_confirm_delivery(
        shipment_id=shipment.pk, actor=shipment.order.merchandiser, delivered_on=timezone.localdate()
    )

    assert Order.objects.get(pk=shipment.order_id).status == OrderState.AFTER_SALES

    # an order partly shipped in production: shipping the rest ships the order
    first = Shipment.objects.filter(order__status=OrderState.IN_PRODUCTION).select_related("order", "carrier").first()
    if first is None:
        return
    order = first.order
    shipped = dict(first.lines.values_list("order_line_id", "quantity"))
    rest = {line.pk: line.quantity - shipped[line.pk] for line in order.lines.all()}
    today = timezone.localdate()
    data = ShipmentInput(
        carrier=first.carrier, mode=first.mode, ship_date=today, eta=today + timedelta(days=5), quantities=rest
    )
    data.tracking_number = "REST-1"
    second = shipment_create(order_id=order.pk, actor=order.merchandiser, data=data)
    assert second.seq == 2
    assert Order.objects.get(pk=order.pk).status == OrderState.SHIPPED
