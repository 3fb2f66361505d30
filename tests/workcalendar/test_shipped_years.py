"""The years the product ships with come from a data migration, not from the demo (issue #20, rule 4)."""

from datetime import date
from importlib import import_module
from pathlib import Path

import pytest
from django.apps import apps

from workcalendar.calendar import WorkCalendar
from workcalendar.models import CalendarDay, CalendarDayKind

shipped = import_module("workcalendar.migrations.0003_china_2026")


@pytest.mark.django_db
def test_a_new_install_has_2026_from_the_state_council_notice():
    cal = WorkCalendar.load()
    assert CalendarDay.objects.filter(date__year=2026).count() == 39
    assert CalendarDay.objects.filter(date__year=2026, kind=CalendarDayKind.WORKDAY).count() == 6
    assert not cal.is_working_day(date(2026, 10, 1))  # National Day
    assert not cal.is_working_day(date(2026, 2, 16))  # Spring Festival, a Monday
    assert cal.is_working_day(date(2026, 10, 10))  # Saturday worked in exchange
    assert cal.is_working_day(date(2026, 1, 4))  # Sunday worked in exchange
    assert cal.year_is_loaded(2026)
    assert not cal.year_is_loaded(2027)  # not published in what the product knows: not invented


@pytest.mark.usefixtures("empty_calendar")
def test_the_migration_keeps_days_already_there():
    CalendarDay.objects.create(date=date(2026, 10, 1), name="Our own name", kind=CalendarDayKind.HOLIDAY)
    shipped.load(apps, None)
    shipped.load(apps, None)  # twice: nothing more
    assert CalendarDay.objects.count() == 39
    assert CalendarDay.objects.get(date=date(2026, 10, 1)).name == "Our own name"


def test_the_migration_and_the_shipped_file_agree():
    from workcalendar.calendar_import import calendar_parse

    path = Path(apps.get_app_config("workcalendar").path) / "data" / "holidays-cn-2026.csv"
    rows, errors = calendar_parse(path.read_text(encoding="utf-8"))
    assert not errors
    assert [(str(d), n, k) for d, n, k in rows] == shipped.CHINA_2026
