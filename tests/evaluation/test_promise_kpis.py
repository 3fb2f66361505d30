"""On-time delivery against the first promise and against the latest (issue 20, rule 2).

`test_a_late_shipment_after_a_moved_date_counts_as_late_against_the_first_promise` failed before the
ledger: the on-time KPI compared the delivery with the moved date, so a delay cost nothing."""

from datetime import date

import pytest

from evaluation.kpis import KPI_BY_CODE, Period
from logistics.models import Carrier
from orders.models import Order, OrderState, Promise, PromiseKind, PromiseStatus

from .conftest import Q1, SCORED_AT, _order, _shipment, now_is, sh

pytestmark = pytest.mark.django_db

FIRST = date(2026, 2, 10)
MOVED = date(2026, 2, 24)
DELIVERED = date(2026, 2, 20)  # after the first promise, before the moved one


def moved_order(merchandiser, *, customer_caused: bool) -> Order:
    order = _order(merchandiser, received=sh(2026, 1, 5, 10), confirmed=sh(2026, 1, 5, 11), status=OrderState.SHIPPED)
    Order.objects.filter(pk=order.pk).update(first_delivery_date=FIRST, delivery_date=MOVED)
    Promise.objects.create(
        order=order,
        sequence=2,
        kind=PromiseKind.CHANGE,
        status=PromiseStatus.APPROVED,
        delivery_date=MOVED,
        previous_date=FIRST,
        reason_code="customer_change" if customer_caused else "material_late",
        customer_caused=customer_caused,
        proposed_by=merchandiser,
    )
    carrier = Carrier.objects.get_or_create(code="test-sea", defaults={"name_zh": "海运", "name_en": "Sea"})[0]
    _shipment(order, ship=date(2026, 2, 5), delivered=DELIVERED, carrier=carrier)
    return order


def figures(person) -> tuple:
    with now_is(SCORED_AT):
        period = Period.of(Q1)
        first = KPI_BY_CODE["on_time_delivery"].measure(period, people=[person.pk])[person.pk]
        latest = KPI_BY_CODE["on_time_latest"].measure(period, people=[person.pk])[person.pk]
    return (first.numerator, first.denominator), (latest.numerator, latest.denominator)


def test_a_late_shipment_after_a_moved_date_counts_as_late_against_the_first_promise(merchandiser):
    moved_order(merchandiser, customer_caused=False)
    against_first, against_latest = figures(merchandiser)
    assert against_first == (0, 1)  # late: the company's delay does not move the promise that scores
    assert against_latest == (1, 1)  # on time against the moved date, reported beside it


def test_a_date_the_customer_moved_is_the_promise_that_scores(merchandiser):
    moved_order(merchandiser, customer_caused=True)
    assert figures(merchandiser) == ((1, 1), (1, 1))


def test_the_latest_promise_is_reported_with_weight_zero_by_default():
    assert KPI_BY_CODE["on_time_delivery"].default.weight == 15
    assert KPI_BY_CODE["on_time_latest"].default.weight == 0
