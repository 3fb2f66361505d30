"""Issue #20, broken rule 1: the SLA clocks count the company calendar, as every other clock does. Before,
they had a holiday list of their own (AFTERSALES_HOLIDAYS, empty by default): a case opened on Wednesday
30 September 2026 at 17:00 fell due on 1 October, National Day, and the make-up working Saturday
10 October was never counted. 2026 is the install's own calendar (workcalendar's data migration)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from aftersales.models import CaseChannel, CaseType, Severity
from aftersales.services import CaseInput, case_open

from ..logistics.helpers import after_sales_order

SHANGHAI = ZoneInfo("Asia/Shanghai")

pytestmark = pytest.mark.django_db


def at(month, day, hh, mm=0) -> datetime:
    return datetime(2026, month, day, hh, mm, tzinfo=SHANGHAI)


def open_high_case(order, actor):
    """High severity: first response within 1 working hour, resolution within 4."""
    data = CaseInput(
        case_type=CaseType.QUALITY,
        severity=Severity.HIGH,
        channel=CaseChannel.PHONE,
        subject="Seams open on 20 pieces",
        description="Carton 12: side seams open.",
        contact_name="Anna Berg",
    )
    return case_open(order_id=order.pk, actor=actor, data=data)


def test_a_case_opened_before_national_day_falls_due_after_it(merchandiser):
    with time_machine.travel(at(9, 28, 10), tick=False) as clock:
        order = after_sales_order(merchandiser)
        clock.move_to(at(9, 30, 17))
        case = open_high_case(order, merchandiser)
    assert case.response_due_at == at(9, 30, 18)  # the hour left on Wednesday
    # 1 hour on Wednesday, then 1–7 October off: the other 3 hours on Thursday 8 October.
    assert case.resolution_due_at == at(10, 8, 12)


def test_the_make_up_saturday_counts(merchandiser):
    with time_machine.travel(at(10, 8, 10), tick=False) as clock:
        order = after_sales_order(merchandiser)
        clock.move_to(at(10, 9, 17))  # Friday 9 October, 17:00
        case = open_high_case(order, merchandiser)
    # 1 hour on Friday, 3 on Saturday 10 October, worked in exchange for National Day.
    assert case.resolution_due_at == at(10, 10, 12)


def test_open_cases_follow_a_holiday_hr_adds_once_the_job_runs(merchandiser, hr_user):
    from aftersales import tasks
    from workcalendar.services import calendar_day_set

    with time_machine.travel(at(11, 2, 10), tick=False) as clock:
        order = after_sales_order(merchandiser)
        clock.move_to(at(11, 4, 17))  # a Wednesday
        case = open_high_case(order, merchandiser)
        assert case.resolution_due_at == at(11, 5, 12)
        tasks.check_sla()  # the calendar as it was: nothing moves
        calendar_day_set(actor=hr_user, day=date(2026, 11, 5), name="Company day off", kind="holiday")
        tasks.check_sla()
        case.refresh_from_db()
    assert case.resolution_due_at == at(11, 6, 12)
