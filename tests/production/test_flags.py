"""At-risk and overdue flags over time (time-machine), and the status rules behind them."""

from datetime import date, datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import time_machine

from orders.models import Order, OrderEvent
from orders.services import order_transition
from production.models import MilestoneStatus, PlanMilestone
from production.schedule import assess, milestone_status, project
from production.services import flags_refresh_all, milestone_record_actual, milestone_revise
from workcalendar.calendar import WorkCalendar

from .conftest import in_production_order

SHANGHAI = ZoneInfo("Asia/Shanghai")
CAL = WorkCalendar(weekend=(5, 6))


def at(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


def flags(order_id) -> tuple[bool, bool]:
    order = Order.objects.get(pk=order_id)
    return order.is_at_risk, order.is_overdue


def flag_events(order_id) -> int:
    return OrderEvent.objects.filter(order_id=order_id, type="flags_changed").count()


@pytest.mark.django_db
def test_flags_follow_the_plan_over_time(merchandiser, supervisor):
    start = date(2030, 3, 4)  # a Monday
    with time_machine.travel(at(start), tick=False) as clock:
        order = in_production_order(merchandiser, delivery_date=date(2030, 7, 15))
        booked = PlanMilestone.objects.get(plan__order=order, code="materials_booked")
        assert flags(order.pk) == (False, False)

        # The day after a critical milestone fell due without an actual: at risk, once.
        clock.move_to(at(CAL.add(booked.planned_date, 1), 1))
        assert flags_refresh_all() == 1
        assert flags(order.pk) == (True, False)
        assert flags_refresh_all() == 0  # the nightly job again: no change, no new event
        events = flag_events(order.pk)

        # Booked a day late: the slip carries to ex-factory through the dependencies, so still at risk.
        clock.move_to(at(CAL.add(booked.planned_date, 1), 10))
        milestone_record_actual(
            order_id=order.pk, milestone_id=booked.pk, actor=merchandiser, actual_date=CAL.add(booked.planned_date, 1)
        )
        assert flags(order.pk) == (True, False)
        assert flag_events(order.pk) == events

        # The factory catches up: every later milestone is reached on its planned date → on plan again.
        for later in PlanMilestone.objects.filter(plan__order=order, sequence__gt=booked.sequence).order_by("sequence"):
            clock.move_to(at(later.planned_date, 18))
            milestone_record_actual(
                order_id=order.pk, milestone_id=later.pk, actor=merchandiser, actual_date=later.planned_date
            )
        assert flags(order.pk) == (False, False)

        # Not shipped after the promised date: overdue (the nightly job after midnight).
        clock.move_to(at(date(2030, 7, 16), 0))
        assert flags_refresh_all() == 1
        assert flags(order.pk) == (False, True)

        # Cancelled: no longer overdue.
        order_transition(order_id=order.pk, name="cancel", actor=supervisor, reason="customer withdrew")
        assert flags(order.pk) == (False, False)


@pytest.mark.django_db
def test_a_revised_date_past_ex_factory_puts_the_order_at_risk_at_once(merchandiser):
    with time_machine.travel(at(date(2030, 3, 4)), tick=False):
        order = in_production_order(merchandiser, delivery_date=date(2030, 7, 15))
        sewing = PlanMilestone.objects.get(plan__order=order, code="sewing")
        milestone_revise(
            order_id=order.pk,
            milestone_id=sewing.pk,
            actor=merchandiser,
            revised_date=sewing.planned_date + timedelta(days=21),
            reason="line reassigned to a rush order",
        )
        assert flags(order.pk) == (True, False)
        assert flag_events(order.pk) == 1


# --- the rules, on plain values ---------------------------------------------------------------------
def m(pk, planned, *, revised=None, actual=None, depends_on=None, critical=False, sequence=None):
    return SimpleNamespace(
        pk=pk,
        code=f"m{pk}",
        sequence=sequence or pk * 10,
        planned_date=planned,
        revised_date=revised,
        actual_date=actual,
        depends_on_id=depends_on,
        is_critical=critical,
    )


def test_milestone_status_from_the_variance():
    today = date(2030, 3, 6)  # Wednesday
    status = lambda x: milestone_status(x, today=today, calendar=CAL, at_risk_days=2)  # noqa: E731
    assert status(m(1, date(2030, 3, 1), actual=date(2030, 3, 4))) == MilestoneStatus.DONE
    assert status(m(1, date(2030, 3, 5))) == MilestoneStatus.LATE
    assert status(m(1, date(2030, 3, 6))) == MilestoneStatus.AT_RISK  # due today
    assert status(m(1, date(2030, 3, 8))) == MilestoneStatus.AT_RISK  # two working days away
    assert status(m(1, date(2030, 3, 11))) == MilestoneStatus.ON_TRACK  # three (over the weekend)
    assert status(m(1, date(2030, 3, 5), revised=date(2030, 3, 20))) == MilestoneStatus.ON_TRACK


def test_projection_carries_a_slip_downstream_but_not_an_early_finish():
    today = date(2030, 3, 4)
    a = m(1, date(2030, 3, 1), actual=date(2030, 3, 6))  # three working days late
    b = m(2, date(2030, 3, 8), depends_on=1)  # five working days after a in the plan
    c = m(3, date(2030, 3, 15), depends_on=2)
    projected = project([a, b, c], today=today, calendar=CAL)
    assert projected[2] == date(2030, 3, 13) and projected[3] == date(2030, 3, 20)
    early = m(1, date(2030, 3, 1), actual=date(2030, 2, 25))
    assert project([early, b, c], today=today, calendar=CAL)[3] == date(2030, 3, 15)


def test_assessment_of_flags():
    plan = SimpleNamespace(ex_factory_date=date(2030, 3, 15))
    today = date(2030, 3, 5)
    late_critical = [m(1, date(2030, 3, 4), critical=True), m(2, date(2030, 3, 15), depends_on=None)]
    result = assess(
        status="in_production",
        delivery_date=date(2030, 3, 22),
        plan=plan,
        milestones=late_critical,
        today=today,
        calendar=CAL,
    )
    assert result.is_at_risk and result.late_critical == ("m1",) and not result.is_overdue
    shipped = assess(
        status="shipped", delivery_date=date(2030, 3, 1), plan=plan, milestones=late_critical, today=today, calendar=CAL
    )
    assert (shipped.is_at_risk, shipped.is_overdue) == (False, False)
    received = assess(
        status="received", delivery_date=date(2030, 3, 1), plan=None, milestones=[], today=today, calendar=CAL
    )
    assert received.is_overdue
