"""seed_bench writes valid data: states that follow from the events, numbers unique and gapless per year,
a number sequence that continues after them, every confirmed order ticked and confirmed. PostgreSQL only
(the seeder is SQL): skipped on SQLite, run under CI."""

import re
from collections import Counter, defaultdict

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from devtools.seeding import STATES, SeedConfig, read_info, seed_bench
from orders.models import Confirmation, Order, OrderCheck, OrderEvent, OrderLine, OrderNumberSequence, OrderState
from orders.services import order_transition

RANK = {state: rank for rank, state in enumerate(STATES)}


@pytest.fixture
def seeded(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("seed_bench writes PostgreSQL SQL; CI runs this on PostgreSQL")
    # A quarter of a year: enough orders still early in their life (received, confirmed) to check those too.
    config = SeedConfig(orders=400, teams=2, merchandisers=4, customers=12, products=20, years=0.25, heavy_every=100)
    return seed_bench(config=config, reset=True, log=lambda _msg: None)


def test_orders_lines_and_summary(seeded):
    assert Order.objects.count() == 400
    assert not Order.objects.filter(lines__isnull=True).exists()
    assert OrderLine.objects.count() >= 400
    info = read_info()
    assert info["orders"] == 400
    assert OrderEvent.objects.filter(order_id=info["detail_order_id"]).count() >= 60


def test_states_follow_from_the_events(seeded):
    transitions = defaultdict(list)
    events = OrderEvent.objects.filter(type="transition").order_by("created_at", "id")
    for order_id, source, target in events.values_list("order_id", "from_state", "to_state"):
        transitions[order_id].append((source, target))
    created = Counter(OrderEvent.objects.filter(type="created").values_list("order_id", flat=True))
    for order in Order.objects.all():
        assert created[order.pk] == 1
        steps = transitions[order.pk]
        if order.status == OrderState.RECEIVED:
            assert steps == []
            continue
        assert steps[-1][1] == order.status
        for (_, previous_target), (source, _) in zip(steps, steps[1:], strict=False):
            assert source == previous_target  # one unbroken path
        reached = order.status if order.status != OrderState.CANCELLED else steps[-1][0]
        if RANK[reached] >= 1:
            assert OrderCheck.objects.filter(order=order).count() == 7
            assert Confirmation.objects.filter(order=order).exists()


def test_numbers_are_unique_gapless_per_year_and_the_sequence_continues(seeded):
    numbers = list(Order.objects.exclude(number=None).values_list("number", flat=True))
    assert numbers and len(numbers) == len(set(numbers))
    by_year = defaultdict(list)
    for number in numbers:
        match = re.fullmatch(r"SO-(\d{4})-(\d{6})", number)
        assert match, number
        by_year[int(match[1])].append(int(match[2]))
    for year, seqs in by_year.items():
        assert sorted(seqs) == list(range(1, len(seqs) + 1))
        assert OrderNumberSequence.objects.get(year=year).last_value == len(seqs)
    entered_or_later = Order.objects.exclude(status__in=["received", "confirmed", "cancelled"])
    assert not entered_or_later.filter(number=None).exists()


def test_a_seeded_order_moves_on_through_the_service(seeded):
    order = Order.objects.filter(status=OrderState.CONFIRMED).select_related("merchandiser").first()
    if order is None:
        pytest.skip("no confirmed order in this small sample")
    moved = order_transition(order_id=order.pk, name="enter", actor=order.merchandiser)
    year = int(moved.number.split("-")[1])
    assert int(moved.number.split("-")[2]) == OrderNumberSequence.objects.get(year=year).last_value


def test_the_command_refuses_a_database_not_named_bench(db):
    with pytest.raises(CommandError, match="bench"):
        call_command("seed_bench", orders=10)
