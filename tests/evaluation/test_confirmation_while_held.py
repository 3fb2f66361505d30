"""Issue 20, on hold: the confirmation-time clock stands still while an order waits on hold before its
confirmation. The held working hours come off the time to confirm, and an unconfirmed order on hold is not
yet overdue, however long the customer's pause."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from evaluation.kpis import KPI_BY_CODE, Period
from evaluation.quarters import Quarter
from evaluation.worktime import working_days_refresh
from orders.models import Order
from orders.services import order_hold, order_release

from ..factories import make_order

# These tests set their own days: only weekends are off.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_calendar")]
SH = ZoneInfo("Asia/Shanghai")
KPI = KPI_BY_CODE["confirmation_time"]  # default: within 8 working hours


def _received(merchandiser, at: datetime) -> Order:
    order = make_order(merchandiser=merchandiser)
    Order.objects.filter(pk=order.pk).update(received_at=at.replace(tzinfo=SH))
    return order


def _at(moment: str):
    return time_machine.travel(datetime.fromisoformat(moment).replace(tzinfo=SH), tick=False)


def _measure(merchandiser, now: str):
    with _at(now):
        working_days_refresh()
        m = KPI.measure(Period.of(Quarter(2026, 4)), people=[merchandiser.pk], param=KPI.default.param)
    found = m.get(merchandiser.pk)
    return (found.numerator, found.denominator) if found else (0, 0)


def test_hours_on_hold_before_confirmation_do_not_count(merchandiser):
    # Received Mon 09:00, held Mon 10:00 to Wed 10:00 (18 working hours), confirmed Wed 14:00:
    # 23 working hours from receipt, 5 of them not on hold.
    paused = _received(merchandiser, datetime(2026, 11, 2, 9, 0))
    with _at("2026-11-02 10:00"):
        order_hold(order_id=paused.pk, actor=merchandiser, reason="Customer paused the order")
    with _at("2026-11-04 10:00"):
        order_release(order_id=paused.pk, actor=merchandiser)
    Order.objects.filter(pk=paused.pk).update(confirmed_at=datetime(2026, 11, 4, 14, 0, tzinfo=SH))
    # The same 23 hours with no hold are late.
    slow = _received(merchandiser, datetime(2026, 11, 2, 9, 0))
    Order.objects.filter(pk=slow.pk).update(confirmed_at=datetime(2026, 11, 4, 14, 0, tzinfo=SH))

    assert _measure(merchandiser, "2026-11-20 12:00") == (1, 2)


def test_a_hold_after_confirmation_changes_nothing(merchandiser):
    order = _received(merchandiser, datetime(2026, 11, 2, 9, 0))
    Order.objects.filter(pk=order.pk).update(confirmed_at=datetime(2026, 11, 3, 12, 0, tzinfo=SH))  # 12 h: late
    with _at("2026-11-04 10:00"):
        order_hold(order_id=order.pk, actor=merchandiser, reason="Customer paused the order")
    with _at("2026-11-06 10:00"):
        order_release(order_id=order.pk, actor=merchandiser)

    assert _measure(merchandiser, "2026-11-20 12:00") == (0, 1)


def test_an_unconfirmed_order_on_hold_is_not_overdue_until_its_clock_has_run(merchandiser):
    order = _received(merchandiser, datetime(2026, 11, 2, 9, 0))
    with _at("2026-11-02 12:00"):  # 3 working hours used
        order_hold(order_id=order.pk, actor=merchandiser, reason="Customer paused the order")
    # Weeks on hold: not counted, neither as late nor at all.
    assert _measure(merchandiser, "2026-11-20 12:00") == (0, 0)
    with _at("2026-11-23 09:00"):
        order_release(order_id=order.pk, actor=merchandiser)
    # Released Monday 09:00 with 5 working hours left: still inside its limit at 13:00 ...
    assert _measure(merchandiser, "2026-11-23 13:00") == (0, 0)
    # ... and late, still unconfirmed, at 15:00.
    assert _measure(merchandiser, "2026-11-23 15:00") == (0, 1)
