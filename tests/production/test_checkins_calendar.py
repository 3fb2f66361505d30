"""Issue #20, broken rule 4: a year with no calendar yet. Before, the check-in job created check-ins on
1 January 2027, as on any weekday, because nothing had loaded 2027. Now a year with no calendar day at
all keeps its statutory fixed-date holidays (1 January, 1–2 May, 1–3 October: docs/production.md)."""

from datetime import date

import pytest

from production.models import CheckIn
from production.services import checkins_create_for_day
from workcalendar.calendar import WorkCalendar

from .conftest import in_production_order

pytestmark = pytest.mark.django_db


def test_the_checkin_job_skips_1_january_of_a_year_not_loaded_yet(merchandiser):
    in_production_order(merchandiser)
    assert not WorkCalendar.load().year_is_loaded(2027)
    assert checkins_create_for_day(day=date(2027, 1, 1)) == 0  # a Friday
    assert not CheckIn.objects.filter(day=date(2027, 1, 1)).exists()
    assert checkins_create_for_day(day=date(2027, 1, 4)) == 1  # the Monday after: an ordinary working day


def test_the_fixed_date_holidays_of_the_loaded_year_come_from_its_notice(merchandiser):
    in_production_order(merchandiser)
    assert checkins_create_for_day(day=date(2026, 10, 2)) == 0  # National Day, loaded
    assert checkins_create_for_day(day=date(2026, 10, 10)) == 1  # a Saturday worked in exchange
