"""Broken rule 5, in the score: a daily check-in of an order on hold is never missed, so the check-in
compliance KPI (check-ins done ÷ due, the not-needed ones left out) does not count the held days."""

from datetime import date

import pytest
import time_machine

from evaluation.kpis import KPI_BY_CODE, Period
from evaluation.quarters import Quarter
from orders.services import order_hold, order_release
from production.services import checkins_create_for_day, checkins_mark_missed

from ..production.conftest import in_production_order

pytestmark = pytest.mark.django_db

WEDNESDAY, THURSDAY = date(2026, 11, 25), date(2026, 11, 26)


def test_held_days_do_not_count_against_the_merchandiser(merchandiser):
    with time_machine.travel("2026-11-25 08:00 +08:00", tick=False):
        held = in_production_order(merchandiser)
        in_production_order(merchandiser)
        order_hold(order_id=held.pk, actor=merchandiser, reason="Customer paused")
        checkins_create_for_day(day=WEDNESDAY)
        checkins_mark_missed(day=WEDNESDAY)
    with time_machine.travel("2026-11-26 08:00 +08:00", tick=False):
        order_release(order_id=held.pk, actor=merchandiser)
        checkins_create_for_day(day=THURSDAY)
        checkins_mark_missed(day=THURSDAY)
    with time_machine.travel("2026-11-27 08:00 +08:00", tick=False):
        kpi = KPI_BY_CODE["checkin_compliance"]
        measure = kpi.measure(Period.of(Quarter(2026, 4)), people=[merchandiser.pk], param=kpi.default.param)
    # Due: the running order on both days and the released one on Thursday. Without the hold rule: 4.
    assert (measure[merchandiser.pk].numerator, measure[merchandiser.pk].denominator) == (0, 3)
