"""Issue #20, broken rule 3: weekly reports and meetings follow the company calendar. Before, a report due
on a public holiday was flagged missing for every merchandiser, against their punctuality KPI, and a
meeting was scheduled on a holiday Monday. 2026 is the install's own calendar (workcalendar's data
migration): 1–7 October are National Day, Saturday 10 October is worked in exchange."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from supervision.models import WeeklyReport
from supervision.services.meetings import meeting_create_for_week
from supervision.services.reports import report_draft, reports_flag_missing
from supervision.weeks import meeting_scheduled_at, report_due_at

SHANGHAI = ZoneInfo("Asia/Shanghai")

pytestmark = pytest.mark.django_db


def at(month, day, hh, mm=0) -> datetime:
    return datetime(2026, month, day, hh, mm, tzinfo=SHANGHAI)


def test_a_report_due_on_a_holiday_is_due_on_the_next_working_day(settings, merchandiser):
    settings.SUPERVISION_REPORT_DUE_WEEKDAY = 4  # Friday
    settings.SUPERVISION_REPORT_DUE_TIME = "18:00"
    week = date(2026, 9, 28)  # its Friday is 2 October, National Day
    assert report_due_at(week) == at(10, 8, 18)  # Thursday 8 October, the first working day after
    report, _created = report_draft(merchandiser=merchandiser, week_start=week)
    assert report.due_at == at(10, 8, 18)


def test_a_report_due_on_a_holiday_is_not_flagged_missing_that_day(settings, merchandiser):
    settings.SUPERVISION_REPORT_DUE_WEEKDAY = 4
    settings.SUPERVISION_REPORT_DUE_TIME = "18:00"
    report_draft(merchandiser=merchandiser, week_start=date(2026, 9, 28))
    assert reports_flag_missing(now=at(10, 2, 19)) == 0  # the holiday's evening
    assert reports_flag_missing(now=at(10, 7, 23)) == 0
    assert reports_flag_missing(now=at(10, 8, 18, 5)) == 1  # once the moved due time has passed
    assert WeeklyReport.objects.get(merchandiser=merchandiser).missing_flagged_at == at(10, 8, 18, 5)


def test_an_ordinary_week_keeps_its_due_day(settings):
    settings.SUPERVISION_REPORT_DUE_WEEKDAY = 4
    settings.SUPERVISION_REPORT_DUE_TIME = "18:00"
    assert report_due_at(date(2026, 10, 12)) == at(10, 16, 18)


def test_a_meeting_on_a_holiday_monday_moves_to_the_next_working_day(settings, team_a):
    settings.SUPERVISION_MEETING_WEEKDAY = 0
    settings.SUPERVISION_MEETING_TIME = "08:00"
    week = date(2026, 10, 5)  # Monday 5 October is National Day
    meeting, created = meeting_create_for_week(team=team_a[0], week_start=week)
    assert created
    assert meeting.scheduled_at == at(10, 8, 8)
    assert timezone.localtime(meeting.scheduled_at).date().weekday() == 3  # Thursday
    assert meeting_scheduled_at(date(2026, 10, 12)) == at(10, 12, 8)  # the next Monday is a working day
