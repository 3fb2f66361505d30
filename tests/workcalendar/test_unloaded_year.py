"""A year with no calendar day at all (issue #20, rule 4): its statutory fixed-date holidays still hold,
and from 1 November HR and the supervisors are warned while next year is empty."""

from datetime import date

import pytest

from workcalendar.calendar import WorkCalendar
from workcalendar.models import CalendarDay
from workcalendar.selectors import missing_next_year
from workcalendar.services import calendar_day_save, calendar_import


@pytest.mark.django_db
def test_the_fixed_date_holidays_of_an_unloaded_year_are_days_off():
    cal = WorkCalendar.load()  # 2026 shipped, 2027 not
    for day in (date(2027, 1, 1), date(2027, 10, 1)):  # a Friday each
        assert not cal.is_working_day(day)
    assert cal.is_working_day(date(2027, 1, 4))  # an ordinary Monday
    assert cal.on_or_after(date(2027, 1, 1)) == date(2027, 1, 4)


@pytest.mark.django_db
def test_a_loaded_year_follows_its_own_days_only():
    cal = WorkCalendar.load()
    assert cal.is_working_day(date(2026, 1, 4))  # a Sunday worked in exchange, loaded
    calendar_import(text="2027-01-01,元旦 New Year's Day\n2027-02-20,春节调休上班,workday\n")
    cal = WorkCalendar.load()
    assert not cal.is_working_day(date(2027, 1, 1))
    assert cal.is_working_day(date(2027, 5, 3))  # loaded now: 3 May is whatever the file says (a Monday)


def test_a_calendar_built_by_hand_knows_only_its_days():
    assert WorkCalendar(weekend=(5, 6)).is_working_day(date(2027, 1, 1))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("today", "warned"),
    [(date(2026, 10, 31), False), (date(2026, 11, 1), True), (date(2026, 12, 6), True), (date(2027, 1, 2), False)],
)
def test_the_warning_runs_from_1_november_while_next_year_is_empty(today, warned):
    missing = missing_next_year(today=today)
    assert (missing is not None) == warned
    if warned:
        assert missing.year == 2027


@pytest.mark.django_db
def test_one_day_of_next_year_ends_the_warning():
    calendar_day_save(day=CalendarDay(date=date(2027, 1, 1), name="元旦"))
    assert missing_next_year(today=date(2026, 12, 6)) is None
