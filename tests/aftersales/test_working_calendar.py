"""The working calendar under the SLA clocks: only working hours count, in settings.TIME_ZONE."""

from datetime import UTC, date, datetime, time, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.test import override_settings
from hypothesis import given, settings
from hypothesis import strategies as st

from aftersales.sla import WorkingCalendar
from workcalendar.calendar import WorkCalendar
from workcalendar.models import CalendarDay, CalendarDayKind
from workcalendar.services import calendar_day_save

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(y, m, d, hh=0, mm=0, tz=SHANGHAI) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=tz)


CAL = WorkingCalendar(
    start=time(9), end=time(18), days=WorkCalendar(weekend=(5, 6), holidays={date(2026, 10, 1)}), tz=SHANGHAI
)
# 2026-03-02 is a Monday.


def test_a_working_day_has_nine_hours():
    assert CAL.seconds_between(at(2026, 3, 2), at(2026, 3, 3)) == 9 * 3600


def test_nights_and_weekends_do_not_count():
    friday_17h = at(2026, 3, 6, 17)
    monday_10h = at(2026, 3, 9, 10)
    assert CAL.seconds_between(friday_17h, monday_10h) == 2 * 3600


def test_holidays_do_not_count():
    assert CAL.seconds_between(at(2026, 10, 1), at(2026, 10, 2)) == 0


def test_adding_working_time_skips_the_weekend():
    # 15 minutes asked at Friday 17:50: 10 today, 5 on Monday morning.
    assert CAL.add(at(2026, 3, 6, 17, 50), 15 * 60) == at(2026, 3, 9, 9, 5).astimezone(UTC)


def test_a_case_raised_at_night_starts_its_clock_next_morning():
    assert CAL.add(at(2026, 3, 3, 23, 0), 3600) == at(2026, 3, 4, 10).astimezone(UTC)


def test_a_deadline_that_fills_the_day_ends_at_closing_time():
    assert CAL.add(at(2026, 3, 2, 9), 9 * 3600) == at(2026, 3, 2, 18).astimezone(UTC)


def test_subtract_walks_back_over_the_weekend():
    assert CAL.subtract(at(2026, 3, 9, 9, 5), 15 * 60) == at(2026, 3, 6, 17, 50).astimezone(UTC)


def test_a_calendar_without_working_time_is_refused():
    with pytest.raises(ValueError, match="end after it starts"):
        WorkingCalendar(start=time(18), end=time(9), days=WorkCalendar(), tz=SHANGHAI)
    never = SimpleNamespace(is_working_day=lambda day: False)
    empty = WorkingCalendar(start=time(9), end=time(18), days=never, tz=SHANGHAI)
    with pytest.raises(ValueError, match="no working time"):
        empty.add(at(2026, 3, 2), 60)


@pytest.mark.django_db
@override_settings(CALENDAR_WORKDAY_START="08:30", CALENDAR_WORKDAY_END="17:30")
def test_the_clock_counts_the_company_calendar():
    """Broken rule 1 of issue #20: the SLA clock had a holiday list of its own, empty by default."""
    calendar_day_save(day=CalendarDay(date=date(2026, 3, 4), name="Company day off"))
    calendar_day_save(day=CalendarDay(date=date(2026, 3, 7), name="调休", kind=CalendarDayKind.WORKDAY))
    cal = WorkingCalendar.company()
    assert (cal.start, cal.end) == (time(8, 30), time(17, 30))
    assert cal.window(date(2026, 3, 4)) is None  # a Wednesday, but a company holiday
    assert cal.window(date(2026, 3, 7)) is not None  # a Saturday worked in exchange
    assert cal.window(date(2026, 3, 14)) is None  # an ordinary Saturday


def test_daylight_saving_counts_real_seconds():
    """Windows are local; arithmetic is on UTC instants, so a DST night changes nothing."""
    berlin = WorkingCalendar(
        start=time(9), end=time(18), days=WorkCalendar(weekend=(5, 6)), tz=ZoneInfo("Europe/Berlin")
    )
    # Clocks go forward on Sunday 2026-03-29.
    friday = datetime(2026, 3, 27, 17, tzinfo=ZoneInfo("Europe/Berlin"))
    monday = datetime(2026, 3, 30, 10, tzinfo=ZoneInfo("Europe/Berlin"))
    assert berlin.seconds_between(friday, monday) == 2 * 3600
    assert berlin.add(friday, 2 * 3600) == monday.astimezone(UTC)


instants = st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2027, 12, 31)).map(
    lambda d: d.replace(tzinfo=SHANGHAI, microsecond=0)
)


@settings(max_examples=200, deadline=None)
@given(start=instants, seconds=st.integers(min_value=1, max_value=40 * 9 * 3600))
def test_add_then_measure_gives_the_same_working_time(start, seconds):
    end = CAL.add(start, seconds)
    assert CAL.seconds_between(start, end) == seconds
    assert CAL.seconds_between(CAL.subtract(end, seconds), end) == seconds


@settings(max_examples=200, deadline=None)
@given(a=instants, b=instants, c=instants)
def test_working_time_adds_up_over_consecutive_spans(a, b, c):
    a, b, c = sorted([a, b, c])
    assert CAL.seconds_between(a, b) + CAL.seconds_between(b, c) == CAL.seconds_between(a, c)
    assert CAL.seconds_between(a, c) <= (c - a + timedelta(seconds=1)).total_seconds()
