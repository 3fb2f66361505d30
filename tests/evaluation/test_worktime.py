"""Working time in SQL: W(confirmed) − W(received) counts only the company's working hours, skipping
weekends and the calendar's holidays, and counting its make-up working days."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from evaluation.codes import RunStatus, RunTrigger
from evaluation.models import EvaluationRun
from evaluation.quarters import Quarter
from evaluation.services import evaluation_quarter_ensure, evaluation_run_start
from evaluation.worktime import working_days_refresh, working_seconds_at, working_seconds_of
from orders.models import Order
from workcalendar.models import CalendarDay, CalendarDayKind
from workcalendar.services import calendar_day_save

from ..factories import make_order
from .conftest import now_is

# These tests set their own days; the install's 2026 is tested in tests/workcalendar/test_shipped_years.py.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_calendar")]
SH = ZoneInfo("Asia/Shanghai")


def hours_between(order) -> float:
    row = (
        Order.objects.filter(pk=order.pk)
        .annotate(r=working_seconds_at("received_at"), c=working_seconds_at("confirmed_at"))
        .values("r", "c")
        .get()
    )
    return (row["c"] - row["r"]) / 3600


def test_working_hours_skip_nights_weekends_and_holidays_and_count_make_up_days(merchandiser):
    calendar_day_save(day=CalendarDay(date=date(2026, 10, 1), name="国庆节", kind=CalendarDayKind.HOLIDAY))
    calendar_day_save(day=CalendarDay(date=date(2026, 10, 10), name="调休", kind=CalendarDayKind.WORKDAY))  # a Saturday
    cases = [
        # received, confirmed, working hours (09:00–18:00)
        (datetime(2026, 9, 29, 17, 0), datetime(2026, 9, 30, 10, 0), 2),  # evening and night skipped
        (datetime(2026, 9, 30, 17, 0), datetime(2026, 10, 2, 10, 0), 2),  # the holiday on 1 October skipped
        (datetime(2026, 10, 9, 17, 0), datetime(2026, 10, 12, 10, 0), 11),  # Fri 1 h + Sat (worked) 9 h + Mon 1 h
        (datetime(2026, 10, 3, 12, 0), datetime(2026, 10, 5, 9, 30), 0.5),  # received on Saturday: from Monday 09:00
    ]
    orders = []
    for received, confirmed, _hours in cases:
        order = make_order(merchandiser=merchandiser)
        Order.objects.filter(pk=order.pk).update(
            received_at=received.replace(tzinfo=SH), confirmed_at=confirmed.replace(tzinfo=SH)
        )
        orders.append(order)
    with now_is(datetime(2026, 10, 20, tzinfo=SH)):
        working_days_refresh()
    for order, (_r, _c, hours) in zip(orders, cases, strict=True):
        assert hours_between(order) == hours
    assert (
        working_seconds_of(datetime(2026, 10, 12, 10, 0, tzinfo=SH))
        - working_seconds_of(datetime(2026, 10, 9, 17, 0, tzinfo=SH))
        == 11 * 3600
    )


def test_the_index_refresh_is_idempotent_and_follows_calendar_changes():
    with now_is(datetime(2026, 10, 20, tzinfo=SH)):
        assert working_days_refresh() > 0
        assert working_days_refresh() == 0
        calendar_day_save(day=CalendarDay(date=date(2026, 10, 1), name="国庆节", kind=CalendarDayKind.HOLIDAY))
        changed = working_days_refresh()
    assert changed > 1  # the holiday and every later day's running total


def test_a_run_whose_worker_vanished_can_be_replaced(hr_user, django_capture_on_commit_callbacks, monkeypatch):
    monkeypatch.setattr("evaluation.tasks.score_quarter.delay", lambda run_id: None)
    quarter = Quarter(2026, 1)
    with now_is(datetime(2026, 4, 2, 9, tzinfo=SH)), django_capture_on_commit_callbacks(execute=True):
        first = evaluation_run_start(quarter=quarter, actor=hr_user)
        assert evaluation_run_start(quarter=quarter, actor=hr_user).pk == first.pk  # still queued: the same run
    with (
        now_is(datetime(2026, 4, 2, 9, tzinfo=SH) + timedelta(minutes=20)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        second = evaluation_run_start(quarter=quarter, actor=hr_user)
    first.refresh_from_db()
    assert second.pk != first.pk
    assert first.status == RunStatus.FAILED and "abandoned" in first.error
    assert (
        EvaluationRun.objects.filter(evaluation=evaluation_quarter_ensure(quarter), trigger=RunTrigger.MANUAL).count()
        == 2
    )
