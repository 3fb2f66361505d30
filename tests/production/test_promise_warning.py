"""The promise's early warning (issue 20, rule 2): 48 working hours before an open milestone's projection
breaks the promised delivery date, the order gets one warning per milestone, before the customer is told."""

from datetime import date, datetime, time
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.utils import timezone

from orders.models import OrderEvent
from orders.services import order_hold
from production.models import PromiseWarning
from production.schedule import promise_breaks
from production.services.flags import promise_warnings_raise
from workcalendar.calendar import WorkCalendar

from .conftest import in_production_order

TZ = ZoneInfo("Asia/Shanghai")


def m(pk, seq, planned, actual=None, depends_on=None):
    return SimpleNamespace(
        pk=pk,
        sequence=seq,
        planned_date=planned,
        revised_date=None,
        actual_date=actual,
        depends_on_id=depends_on,
    )


@pytest.mark.django_db
def test_a_milestone_late_enough_to_carry_ex_factory_past_the_promise_breaks_it():
    calendar = WorkCalendar(weekend={5, 6}, holidays=set(), workdays=set())
    # Fabric due Mon 2 March, ex-factory Fri 6 March; the promise (transit 0) needs ex-factory by Fri 6 March.
    fabric, ex_factory = m(1, 1, date(2026, 3, 2)), m(2, 2, date(2026, 3, 6), depends_on=1)
    on_time = promise_breaks(
        delivery_date=date(2026, 3, 6),
        transit_days=0,
        milestones=[fabric, ex_factory],
        today=date(2026, 3, 2),
        calendar=calendar,
    )
    assert [(b.milestone.pk, b.latest_safe, b.is_broken) for b in on_time] == [
        (1, date(2026, 3, 2), False),
        (2, date(2026, 3, 6), False),
    ]
    # Fabric not in on Wednesday: its projection (today) is past its last safe day, and carries ex-factory.
    late = promise_breaks(
        delivery_date=date(2026, 3, 6),
        transit_days=0,
        milestones=[fabric, ex_factory],
        today=date(2026, 3, 4),
        calendar=calendar,
    )
    assert [(b.milestone.pk, b.projected, b.is_broken) for b in late] == [
        (1, date(2026, 3, 4), True),
        (2, date(2026, 3, 10), True),
    ]


@pytest.mark.django_db
def test_the_warning_fires_once_within_the_working_hours_before_the_break(merchandiser):
    order = in_production_order(merchandiser)
    plan = order.production_plan
    milestones = list(plan.milestones.all())
    calendar = WorkCalendar.load()
    first = min(
        promise_breaks(
            delivery_date=order.delivery_date,
            transit_days=plan.transit_days,
            milestones=milestones,
            today=timezone.localdate(),
            calendar=calendar,
        ),
        key=lambda b: b.latest_safe,
    )
    # Early on the working day before the milestone's last safe day: two working days left, inside 48 hours.
    day_before = calendar.subtract(first.latest_safe, 1)
    now = datetime.combine(day_before, time(9), tzinfo=TZ)
    assert settings.PROMISE_WARNING_WORKING_HOURS == 48
    PromiseWarning.objects.all().delete()  # starting production may have raised some for today already
    before = OrderEvent.objects.filter(order=order, payload__action="promise_warning").count()
    raised = promise_warnings_raise(order=order, plan=plan, milestones=milestones, now=now, calendar=calendar)
    assert raised >= 1
    warning = PromiseWarning.objects.get(milestone=first.milestone)
    assert warning.latest_safe_date == first.latest_safe and warning.delivery_date == order.delivery_date
    assert OrderEvent.objects.filter(order=order, payload__action="promise_warning").count() == before + 1
    # Idempotent: the job runs again and nothing new is raised.
    assert promise_warnings_raise(order=order, plan=plan, milestones=milestones, now=now, calendar=calendar) == 0


@pytest.mark.django_db
def test_a_held_order_raises_no_warning(merchandiser):
    order = order_hold(order_id=in_production_order(merchandiser).pk, actor=merchandiser, reason="Customer paused")
    plan = order.production_plan
    milestones = list(plan.milestones.all())
    late = datetime.combine(order.delivery_date, time(9), tzinfo=TZ)
    assert (
        promise_warnings_raise(order=order, plan=plan, milestones=milestones, now=late, calendar=WorkCalendar.load())
        == 0
    )
    assert not PromiseWarning.objects.exists()
