"""The weekly merchandiser meeting: agenda from the records, one meeting per team and week however
often (or however concurrently) the job runs, and open action items carried over."""

import threading
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from aftersales.models import Case, CaseStatus
from orders.services import order_set_flags
from production.models import CheckIn, CheckInStatus
from supervision.models import ActionItemStatus, WeeklyMeeting
from supervision.selectors import agenda_compile
from supervision.services.meetings import (
    action_item_add,
    action_item_step,
    meeting_create_for_week,
    meeting_record,
    meetings_create_for_week,
)
from supervision.tasks import create_weekly_meetings
from supervision.weeks import this_week, week_bounds

from ..conftest import is_postgres, require_server
from ..factories import make_order

pytestmark = pytest.mark.django_db

MONDAY_8AM = "2026-11-23 08:00 +08:00"  # a Monday, Asia/Shanghai


def _person(agenda, person):
    return next(p for p in agenda["people"] if p["person_id"] == person.pk)


def test_agenda_lists_each_merchandisers_new_orders_risks_missed_checkins_and_cases(
    team_a, merchandiser, second_merchandiser, other_merchandiser
):
    # given: last week's new order, a flagged order, a missed check-in and a breached case
    week = this_week()
    last_week = week - timedelta(days=7)
    new = make_order(merchandiser=merchandiser)
    type(new).objects.filter(pk=new.pk).update(received_at=week_bounds(last_week)[0] + timedelta(days=2))
    risky = make_order(merchandiser=merchandiser)
    order_set_flags(order_id=risky.pk, is_at_risk=True)
    CheckIn.objects.create(
        order=risky, day=last_week + timedelta(days=1), merchandiser=merchandiser, status=CheckInStatus.MISSED
    )
    case = Case.objects.create(
        order=risky,
        customer=risky.customer,
        case_type="quality",
        channel="phone",
        subject="Stains on cartons",
        description="...",
        response_target_minutes=60,
        resolution_target_minutes=480,
        response_breached_at=timezone.now() - timedelta(hours=1),
    )
    make_order(merchandiser=other_merchandiser)  # another team's: never on this agenda

    # when
    agenda = agenda_compile(team=team_a[0], week_start=week)

    # then
    mine = _person(agenda, merchandiser)
    assert [e["order"] for e in mine["new_orders"]] == [new.pk]
    assert [e["order"] for e in mine["at_risk"]] == [risky.pk]
    assert [e["order"] for e in mine["missed_checkins"]] == [risky.pk]
    assert [e["case"] for e in mine["open_cases"]] == [case.pk]
    assert [e["case"] for e in mine["sla_breaches"]] == [case.pk]
    assert _person(agenda, second_merchandiser)["new_orders"] == []
    assert {p["person_id"] for p in agenda["people"]} == {merchandiser.pk, second_merchandiser.pk}


def test_a_closed_case_without_breach_is_not_on_the_agenda(team_a, merchandiser):
    order = make_order(merchandiser=merchandiser)
    Case.objects.create(
        order=order,
        customer=order.customer,
        case_type="inquiry",
        channel="phone",
        subject="Done",
        description="...",
        status=CaseStatus.CLOSED,
        response_target_minutes=60,
        resolution_target_minutes=480,
    )
    mine = _person(agenda_compile(team=team_a[0], week_start=this_week()), merchandiser)
    assert mine["open_cases"] == [] and mine["sla_breaches"] == []


def test_job_makes_one_meeting_per_team_and_week_however_often_it_runs(team_a, team_b):
    with time_machine.travel(MONDAY_8AM, tick=False):
        assert create_weekly_meetings.delay().get() == 2
        assert create_weekly_meetings.delay().get() == 0
        assert meetings_create_for_week() == 0
    assert WeeklyMeeting.objects.count() == 2
    meeting = WeeklyMeeting.objects.get(team=team_a[0])
    assert meeting.week_start.isoformat() == "2026-11-23"
    assert timezone.localtime(meeting.scheduled_at).strftime("%a %H:%M") == "Mon 08:00"
    # the supervisor and the team's merchandiser are on the attendance list
    assert set(meeting.attendance.values_list("person_id", flat=True)) == {team_a[1].pk, team_a[2].pk}


def test_meeting_time_and_weekday_come_from_settings(settings, team_a):
    settings.SUPERVISION_MEETING_WEEKDAY = 2
    settings.SUPERVISION_MEETING_TIME = "09:30"
    meeting, created = meeting_create_for_week(team=team_a[0], week_start=this_week())
    assert created
    assert timezone.localtime(meeting.scheduled_at).strftime("%a %H:%M") == "Wed 09:30"


def test_the_beat_schedule_runs_the_job_on_monday_at_eight(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["supervision-weekly-meetings"]
    assert entry["task"] == "supervision.create_weekly_meetings"
    assert entry["options"]["expires"] > 0
    schedule = entry["schedule"]
    assert schedule.hour == {8} and schedule.minute == {0} and schedule.day_of_week == {1}


@pytest.mark.django_db(transaction=True)
def test_concurrent_runs_make_one_meeting_per_team_and_week(team_a, team_b):
    """Two jobs at the same moment on PostgreSQL: the unique constraint decides, the loser returns the
    winner's meeting, neither fails."""
    require_server(is_postgres(), "PostgreSQL")
    week = this_week()
    barrier = threading.Barrier(4)
    errors, created = [], []

    def run():
        try:
            barrier.wait(timeout=10)
            for team in (team_a[0], team_b[0]):
                created.append(meeting_create_for_week(team=team, week_start=week)[1])
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert errors == []
    assert created.count(True) == 2
    assert WeeklyMeeting.objects.filter(week_start=week).count() == 2


def test_open_action_items_carry_over_to_next_weeks_agenda(team_a, merchandiser):
    team, supervisor = team_a[0], team_a[1]
    week = this_week()
    last, _ = meeting_create_for_week(team=team, week_start=week - timedelta(days=7))
    open_item = action_item_add(
        meeting_id=last.pk, actor=supervisor, title="Chase the fabric mill", owner=merchandiser, due_date=week
    )
    done_item = action_item_add(
        meeting_id=last.pk, actor=supervisor, title="Send the PP sample", owner=merchandiser, due_date=week
    )
    action_item_step(item_id=done_item.pk, actor=merchandiser, name="complete")

    this, created = meeting_create_for_week(team=team, week_start=week)

    assert created
    carried = _person(this.agenda, merchandiser)["action_items"]
    assert [e["item"] for e in carried] == [open_item.pk]
    assert carried[0]["raised"] == last.week_start.isoformat()
    # and it stays open, on every later agenda, until someone closes it
    later = agenda_compile(team=team, week_start=week + timedelta(days=7))
    assert [e["item"] for e in _person(later, merchandiser)["action_items"]] == [open_item.pk]
    action_item_step(item_id=open_item.pk, actor=supervisor, name="complete")
    later = agenda_compile(team=team, week_start=week + timedelta(days=7))
    assert _person(later, merchandiser)["action_items"] == []


def test_recording_the_meeting_keeps_attendance_minutes_and_decisions(team_a, merchandiser):
    team, supervisor = team_a[0], team_a[1]
    meeting, _ = meeting_create_for_week(team=team, week_start=this_week())
    meeting = meeting_record(
        meeting_id=meeting.pk,
        actor=supervisor,
        minutes="Reviewed the late orders.",
        decisions="Daily calls to the dye house.",
        present_ids=[merchandiser.pk],
        notes={supervisor.pk: "chaired"},
    )
    assert meeting.status == "held" and meeting.held_at is not None
    rows = {a.person_id: a for a in meeting.attendance.all()}
    assert rows[merchandiser.pk].present and not rows[supervisor.pk].present
    assert rows[supervisor.pk].note == "chaired"


def test_only_the_teams_supervisor_runs_the_meeting(team_a, team_b, merchandiser):
    from core.errors import NotPermitted

    meeting, _ = meeting_create_for_week(team=team_a[0], week_start=this_week())
    for outsider in (merchandiser, team_b[1]):
        with pytest.raises(NotPermitted):
            meeting_record(meeting_id=meeting.pk, actor=outsider, minutes="x", decisions="", present_ids=[])
    item = action_item_add(meeting_id=meeting.pk, actor=team_a[1], title="x", owner=merchandiser, due_date=this_week())
    with pytest.raises(NotPermitted):
        action_item_step(item_id=item.pk, actor=team_b[1], name="drop")
    assert item.status == ActionItemStatus.OPEN


def test_the_agenda_names_a_draft_in_the_readers_language_not_by_its_id(team_a, merchandiser):
    from django.template.loader import render_to_string
    from django.utils import translation

    from ..factories import CustomerFactory

    zephyr = CustomerFactory(name_en="Zephyr Textiles", name_zh="泽风纺织")
    risky = make_order(merchandiser=merchandiser, customer=zephyr, customer_po="ZT-9")
    order_set_flags(order_id=risky.pk, is_at_risk=True)
    entries = _person(agenda_compile(team=team_a[0], week_start=this_week()), merchandiser)["at_risk"]

    shown = {}
    for language in ("en", "zh-hans"):
        with translation.override(language):
            shown[language] = render_to_string(
                "supervision/_agenda_list.html", {"entries": entries, "kind": "order", "heading": "At risk"}
            )

    assert "Draft: Zephyr Textiles PO ZT-9" in shown["en"] and "草稿：泽风纺织 PO ZT-9" in shown["zh-hans"]
    assert f">#{risky.pk}<" not in shown["en"]
