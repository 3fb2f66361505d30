"""The working-day calendar and back-scheduling across weekends and holidays."""

from datetime import date
from io import StringIO
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from production.schedule import schedule_backward
from workcalendar.calendar import WorkCalendar
from workcalendar.models import CalendarDay, CalendarDayKind
from workcalendar.services import calendar_day_save, calendar_days_delete, calendar_import

# The tests on the database set their own days (empty_calendar); the install's 2026 is tested in
# tests/workcalendar/test_shipped_years.py.

# National Day week 2026: Thu 1 Oct – Wed 7 Oct off, Sat 10 Oct worked in exchange (调休).
GOLDEN_WEEK = [date(2026, 10, d) for d in range(1, 8)]
MAKE_UP = [date(2026, 10, 10)]


def golden_week_calendar() -> WorkCalendar:
    return WorkCalendar(weekend=(5, 6), holidays=GOLDEN_WEEK, workdays=MAKE_UP)


def milestone(code, offset, sequence, depends_on=None):
    return SimpleNamespace(pk=sequence, code=code, offset_days=offset, sequence=sequence, depends_on_id=depends_on)


TEMPLATE = [
    milestone("materials_booked", 10, 10),
    milestone("cutting", 5, 20, 10),
    milestone("final_inspection", 1, 30, 20),
    milestone("ex_factory", 0, 40, 30),
]


def test_weekends_holidays_and_make_up_days():
    cal = golden_week_calendar()
    assert not cal.is_working_day(date(2026, 10, 3))  # a holiday on a Saturday
    assert not cal.is_working_day(date(2026, 10, 5))  # a holiday on a Monday
    assert cal.is_working_day(date(2026, 10, 10))  # a Saturday worked in exchange
    assert not cal.is_working_day(date(2026, 10, 11))  # an ordinary Sunday
    assert cal.is_working_day(date(2026, 10, 12))


def test_working_day_arithmetic_skips_the_holiday_week():
    cal = golden_week_calendar()
    # Wed 30 Sep + 1 working day: the whole week off, then Thu 8 Oct.
    assert cal.add(date(2026, 9, 30), 1) == date(2026, 10, 8)
    assert cal.add(date(2026, 10, 9), 1) == date(2026, 10, 10)  # Fri → the make-up Saturday
    assert cal.subtract(date(2026, 10, 8), 1) == date(2026, 9, 30)
    assert cal.count_between(date(2026, 9, 30), date(2026, 10, 12)) == 4  # 8, 9, 10 (Sat) and 12 Oct
    assert cal.count_between(date(2026, 10, 12), date(2026, 9, 30)) == -4
    assert cal.on_or_before(date(2026, 10, 4)) == date(2026, 9, 30)
    assert cal.on_or_after(date(2026, 10, 4)) == date(2026, 10, 8)


def test_back_scheduling_crosses_a_weekend():
    cal = WorkCalendar(weekend=(5, 6))
    # Delivery Sun 22 Nov 2026, 7 days transit → Sun 15 Nov → ex-factory Fri 13 Nov.
    schedule = schedule_backward(
        template=None,
        milestones=TEMPLATE,
        transit_days=7,
        delivery_date=date(2026, 11, 22),
        today=date(2026, 10, 1),
        calendar=cal,
    )
    planned = {m.source.code: m.planned_date for m in schedule.milestones}
    assert schedule.ex_factory == date(2026, 11, 13)
    assert planned["ex_factory"] == date(2026, 11, 13)
    assert planned["final_inspection"] == date(2026, 11, 12)
    assert planned["cutting"] == date(2026, 11, 6)  # 5 working days back: Fri → the previous Fri
    assert planned["materials_booked"] == date(2026, 10, 30)
    assert not schedule.is_compressed


def test_back_scheduling_crosses_golden_week_and_make_up_saturday():
    cal = golden_week_calendar()
    # Ex-factory Tue 13 Oct (delivery 20 Oct, 7 days transit). Working days back: 12 (Mon), 10 (make-up
    # Sat), 9, 8, then the holiday week and weekend are skipped: 30 Sep, 29 Sep...
    schedule = schedule_backward(
        template=None,
        milestones=TEMPLATE,
        transit_days=7,
        delivery_date=date(2026, 10, 20),
        today=date(2026, 9, 1),
        calendar=cal,
    )
    planned = {m.source.code: m.planned_date for m in schedule.milestones}
    assert schedule.ex_factory == date(2026, 10, 13)
    assert planned["final_inspection"] == date(2026, 10, 12)
    assert planned["cutting"] == date(2026, 9, 30)  # 12, 10, 9, 8 Oct, then 30 Sep
    assert planned["materials_booked"] == date(2026, 9, 23)


def test_ex_factory_falls_back_to_the_last_working_day_before_a_holiday():
    cal = golden_week_calendar()
    schedule = schedule_backward(
        template=None,
        milestones=TEMPLATE,
        transit_days=0,
        delivery_date=date(2026, 10, 5),
        today=date(2026, 9, 1),
        calendar=cal,
    )
    assert schedule.ex_factory == date(2026, 9, 30)


def test_a_date_too_close_compresses_the_plan_and_keeps_the_order():
    cal = WorkCalendar(weekend=(5, 6))
    # From Mon 2 Nov to ex-factory Fri 6 Nov there are 4 working days; the template needs 10.
    schedule = schedule_backward(
        template=None,
        milestones=TEMPLATE,
        transit_days=0,
        delivery_date=date(2026, 11, 6),
        today=date(2026, 11, 2),
        calendar=cal,
    )
    assert schedule.is_compressed
    assert (schedule.span, schedule.available, schedule.shortfall_days) == (10, 4, 6)
    planned = [m.planned_date for m in schedule.milestones]
    assert planned == sorted(planned)  # the sequence survives compression
    assert planned[0] == date(2026, 11, 2)  # the first milestone starts today
    assert planned[-1] == date(2026, 11, 6)


@given(
    start=st.dates(min_value=date(2025, 1, 1), max_value=date(2028, 12, 31)),
    n=st.integers(min_value=0, max_value=200),
)
def test_adding_then_subtracting_working_days_round_trips(start, n):
    cal = golden_week_calendar()
    aligned = cal.on_or_after(start)
    later = cal.add(aligned, n)
    assert cal.is_working_day(later)
    assert cal.count_between(aligned, later) == n
    assert cal.subtract(later, n) == aligned


@given(
    start=st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)),
    days=st.integers(min_value=0, max_value=3000),
    holidays=st.sets(st.dates(min_value=date(2020, 1, 1), max_value=date(2039, 12, 31)), max_size=30),
    workdays=st.sets(st.dates(min_value=date(2020, 1, 1), max_value=date(2039, 12, 31)), max_size=10),
    weekend=st.sets(st.integers(min_value=0, max_value=6), max_size=3),
)
def test_counting_by_weeks_agrees_with_the_index(start, days, holidays, workdays, weekend):
    """What count_between answers for a span too long to index (a date stored centuries away) is the count
    the index gives."""
    cal = WorkCalendar(weekend=weekend, holidays=holidays, workdays=workdays)
    end = date.fromordinal(start.toordinal() + days)
    assert cal._count_by_weeks(start, end) == cal.count_between(start, end)


@pytest.mark.parametrize("far", [date.max, date.min])
def test_the_edges_of_the_calendar_neither_overflow_nor_index_the_centuries(far):
    cal = golden_week_calendar()
    today = date(2026, 11, 2)
    assert cal.on_or_after(today) == today
    span = cal.count_between(today, far)
    assert abs(span) > 500_000 and (span > 0) == (far == date.max)
    cal.on_or_before(far)
    assert len(cal._days) < 2_000  # an index around the far date, not one across the centuries
    assert cal.is_working_day(cal.on_or_before(far)) or cal.on_or_before(far) == far
    assert cal.add(far, 10) <= date.max and cal.subtract(far, 10) >= date.min


# --- importing the company calendar --------------------------------------------------------------------
CSV = """# company calendar
date,name,kind
2026-10-01,国庆节 National Day,holiday
2026-10-02,国庆节 National Day
2026-10-10,调休上班,workday
"""

ICS = """BEGIN:VCALENDAR
VERSION:2.0
BEGIN:VEVENT
DTSTART;VALUE=DATE:20260619
DTEND;VALUE=DATE:20260622
SUMMARY:端午节 Dragon Boat Festival
END:VEVENT
BEGIN:VEVENT
DTSTART;VALUE=DATE:20260509
SUMMARY:workday: Labour Day make-up
END:VEVENT
END:VCALENDAR
"""


@pytest.mark.usefixtures("empty_calendar")
def test_csv_import_upserts_and_is_idempotent():
    first = calendar_import(text=CSV)
    assert (first.created, first.updated, first.errors) == (3, 0, [])
    again = calendar_import(text=CSV)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert CalendarDay.objects.get(date=date(2026, 10, 10)).kind == CalendarDayKind.WORKDAY
    assert not WorkCalendar.load().is_working_day(date(2026, 10, 2))


@pytest.mark.usefixtures("empty_calendar")
def test_ics_import_expands_multi_day_events():
    result = calendar_import(text=ICS)
    assert result.errors == []
    days = dict(CalendarDay.objects.values_list("date", "kind"))
    assert [d for d, k in days.items() if k == CalendarDayKind.HOLIDAY] == [date(2026, 6, d) for d in (19, 20, 21)]
    assert days[date(2026, 5, 9)] == CalendarDayKind.WORKDAY


@pytest.mark.usefixtures("empty_calendar")
def test_a_file_with_an_error_imports_nothing():
    result = calendar_import(text="2026-10-01,National Day\n2026-13-40,Nonsense\n")
    assert result.errors and CalendarDay.objects.count() == 0


@pytest.mark.usefixtures("empty_calendar")
def test_import_holidays_command_loads_the_shipped_file():
    out = StringIO()
    call_command("import_holidays", "workcalendar/data/holidays-cn-2026.csv", stdout=out)
    assert "added" in out.getvalue()
    assert CalendarDay.objects.filter(kind=CalendarDayKind.WORKDAY).count() == 6
    call_command("import_holidays", "workcalendar/data/holidays-cn-2026.csv", stdout=out)
    assert CalendarDay.objects.count() == 39


# --- the calendar in the cache (WorkCalendar.load) -----------------------------------------------------


@pytest.mark.usefixtures("empty_calendar")
def test_the_loaded_calendar_is_cached_and_dropped_when_a_day_changes(django_assert_num_queries):
    calendar_day_save(day=CalendarDay(date=date(2026, 10, 1), name="National Day", kind=CalendarDayKind.HOLIDAY))
    assert not WorkCalendar.load().is_working_day(date(2026, 10, 1))
    with django_assert_num_queries(0):  # from the cache
        WorkCalendar.load()

    day = CalendarDay.objects.get(date=date(2026, 10, 1))
    day.kind = CalendarDayKind.WORKDAY
    calendar_day_save(day=day)
    assert WorkCalendar.load().is_working_day(date(2026, 10, 1))

    calendar_day_save(day=CalendarDay(date=date(2026, 10, 2), name="National Day", kind=CalendarDayKind.HOLIDAY))
    assert not WorkCalendar.load().is_working_day(date(2026, 10, 2))

    calendar_days_delete(days=CalendarDay.objects.filter(date=date(2026, 10, 2)))
    assert WorkCalendar.load().is_working_day(date(2026, 10, 2))  # a Friday


@pytest.mark.usefixtures("empty_calendar")
def test_a_day_changed_in_the_admin_shows_at_once(client):
    WorkCalendar.load()  # cached, empty
    client.force_login(get_user_model().objects.create_superuser("calendar-admin", "calendar@example.com", "x"))
    response = client.post(
        reverse("admin:workcalendar_calendarday_add"), {"date": "2026-10-05", "name": "National Day", "kind": "holiday"}
    )
    assert response.status_code == 302
    assert not WorkCalendar.load().is_working_day(date(2026, 10, 5))  # a Monday

    day = CalendarDay.objects.get(date=date(2026, 10, 5))
    response = client.post(reverse("admin:workcalendar_calendarday_delete", args=[day.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert WorkCalendar.load().is_working_day(date(2026, 10, 5))


@pytest.mark.usefixtures("empty_calendar")
def test_an_imported_file_shows_at_once():
    WorkCalendar.load()  # cached, empty
    calendar_import(text="date,name,kind\n2026-10-05,National Day,holiday\n")
    assert not WorkCalendar.load().is_working_day(date(2026, 10, 5))  # a Monday
