"""On hold pauses the after-sales resolution clock (issue 20, rule 3): a case on an order in production
that the customer paused does not run out while the order is held; the first-response clock runs on."""

from datetime import timedelta

import pytest
import time_machine

from aftersales.models import Severity
from aftersales.services import case_transition
from orders.services import order_hold, order_release

from ..production.conftest import in_production_order
from .test_sla import MONDAY, local, open_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock():
    with time_machine.travel(MONDAY - timedelta(hours=1), tick=False) as traveller:
        yield traveller


def test_holding_the_order_stops_the_resolution_clock_until_release(clock, merchandiser):
    order = in_production_order(merchandiser)
    clock.move_to(local(hh=9))
    case = open_case(order, merchandiser, severity=Severity.MEDIUM)  # 1 h / 8 h
    assert case.resolution_due_at == local(hh=17)
    response_due = case.response_due_at

    clock.move_to(local(hh=10))
    order_hold(order_id=order.pk, actor=merchandiser, reason="Customer paused the order")
    case.refresh_from_db()
    assert case.resolution_due_at is None and case.paused_since is not None
    assert case.response_due_at == response_due  # the customer who wrote still gets an answer in time

    clock.move_to(local(day_offset=2, hh=10))  # released on Wednesday 10:00: 18 working hours held
    order_release(order_id=order.pk, actor=merchandiser)
    case.refresh_from_db()
    assert case.paused_seconds == 18 * 3600 and case.paused_since is None
    assert case.resolution_due_at == local(day_offset=2, hh=17)


def test_a_case_opened_or_resumed_on_a_held_order_stays_stopped(clock, merchandiser):
    order = in_production_order(merchandiser)
    clock.move_to(local(hh=9))
    order_hold(order_id=order.pk, actor=merchandiser, reason="Customer paused the order")
    case = open_case(order, merchandiser, severity=Severity.MEDIUM)
    assert case.resolution_due_at is None
    case_transition(case_id=case.pk, name="wait_on_customer", actor=merchandiser, note="Photos please")
    case = case_transition(case_id=case.pk, name="resume", actor=merchandiser)
    assert case.resolution_due_at is None  # the customer answered, but the order is still held
    clock.move_to(local(day_offset=1, hh=9))
    order_release(order_id=order.pk, actor=merchandiser)
    case.refresh_from_db()
    assert case.resolution_due_at == local(day_offset=1, hh=17)
