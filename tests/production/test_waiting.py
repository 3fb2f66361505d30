"""Production under "Waiting for you": today's check-ins not done, the merchandiser's own and, per person,
the supervisor's team's."""

from django.urls import reverse

from production import waiting
from workcalendar.calendar import WorkCalendar

from .conftest import done_today, in_production_order


def test_check_ins_not_done_today_wait_until_done(merchandiser, supervisor, other_merchandiser, monkeypatch):
    monkeypatch.setattr(WorkCalendar, "is_working_day", lambda self, day: True)
    order = in_production_order(merchandiser)

    [mine] = waiting.my_checkins(merchandiser)
    assert mine.url == reverse("production:my_checkins") and "1" in mine.text
    [team] = waiting.team_checkins(supervisor)
    assert team.url == reverse("production:board") and str(merchandiser) in team.text
    assert waiting.my_checkins(other_merchandiser) == []

    done_today([order], merchandiser=merchandiser)
    assert waiting.my_checkins(merchandiser) == [] and waiting.team_checkins(supervisor) == []


def test_nothing_waits_on_a_day_off(merchandiser, supervisor, monkeypatch):
    monkeypatch.setattr(WorkCalendar, "is_working_day", lambda self, day: False)
    in_production_order(merchandiser)
    assert waiting.team_checkins(supervisor) == []
