"""Daily check-ins: the morning job, the night job, recording one, and concurrency on PostgreSQL."""

import threading
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from core.errors import InvalidInput, NotPermitted, TransitionRefused
from orders.models import Order, OrderEvent, OrderState
from orders.services import order_transition
from production import tasks
from production.models import CheckIn, CheckInStatus, PlanMilestone
from production.services import (
    CheckInInput,
    checkin_record,
    checkins_create_for_day,
    checkins_mark_missed,
)
from workcalendar.calendar import WorkCalendar
from workcalendar.models import CalendarDay
from workcalendar.services import calendar_day_save

from ..conftest import is_postgres
from .conftest import entered_order, in_production_order

WEEKDAYS = WorkCalendar(weekend=(5, 6))


def a_working_day() -> date:
    return WEEKDAYS.on_or_after(timezone.localdate())


def input_(**overrides) -> CheckInInput:
    values = {"contact_name": "Mr Wang (line 3 leader)", "contact_method": "phone", "quantity_done": 1200}
    values.update(overrides)
    return CheckInInput(**values)


@pytest.mark.django_db
def test_the_morning_job_creates_one_checkin_per_in_production_order(merchandiser, other_merchandiser):
    mine = [in_production_order(merchandiser) for _ in range(3)]
    theirs = in_production_order(other_merchandiser)
    entered_order(merchandiser)  # not in production: no check-in
    day = a_working_day()
    assert checkins_create_for_day(day=day) == 4
    rows = CheckIn.objects.filter(day=day)
    assert rows.count() == 4
    assert {c.order_id: c.merchandiser_id for c in rows} == {
        **{o.pk: merchandiser.pk for o in mine},
        theirs.pk: other_merchandiser.pk,
    }
    assert set(rows.values_list("status", flat=True)) == {CheckInStatus.PENDING}


@pytest.mark.django_db
def test_running_the_morning_job_twice_creates_nothing_more(merchandiser):
    in_production_order(merchandiser)
    day = a_working_day()
    assert checkins_create_for_day(day=day) == 1
    assert checkins_create_for_day(day=day) == 0
    assert CheckIn.objects.count() == 1


@pytest.mark.django_db
def test_no_checkins_on_weekends_and_holidays_but_on_make_up_days(merchandiser):
    in_production_order(merchandiser)
    saturday = timezone.localdate() + timedelta(days=(5 - timezone.localdate().weekday()) % 7)
    holiday = WEEKDAYS.add(saturday, 3)
    calendar_day_save(day=CalendarDay(date=holiday, name="Company holiday"))
    assert checkins_create_for_day(day=saturday) == 0
    assert checkins_create_for_day(day=holiday) == 0
    calendar_day_save(day=CalendarDay(date=saturday, name="调休", kind="workday"))
    assert checkins_create_for_day(day=saturday) == 1


@pytest.mark.django_db
def test_the_task_uses_today_in_shanghai(merchandiser, settings):
    in_production_order(merchandiser)
    monday = date(2030, 1, 7)
    # 08:30 Monday in Shanghai is 00:30 UTC: the job must create Monday's check-ins, not Sunday's.
    with time_machine.travel(datetime(2030, 1, 7, 0, 30, tzinfo=UTC), tick=False):
        tasks.create_daily_checkins()
    assert list(CheckIn.objects.values_list("day", flat=True)) == [monday]


@pytest.mark.django_db
def test_the_night_job_marks_missed_and_waives_orders_that_left_production(merchandiser, supervisor):
    done, missed, gone = (in_production_order(merchandiser) for _ in range(3))
    day = timezone.localdate()
    checkins_create_for_day(day=day, calendar=WorkCalendar(weekend=()))
    checkin_record(order_id=done.pk, actor=merchandiser, data=input_())
    order_transition(order_id=gone.pk, name="cancel", actor=supervisor, reason="customer withdrew")
    assert checkins_mark_missed(day=day) == 1
    assert checkins_mark_missed(day=day) == 0  # idempotent
    status = dict(CheckIn.objects.values_list("order_id", "status"))
    assert status == {done.pk: "done", missed.pk: "missed", gone.pk: "waived"}


@pytest.mark.django_db
def test_recording_a_checkin(merchandiser):
    order = in_production_order(merchandiser)
    fabric = PlanMilestone.objects.get(plan__order=order, code="materials_booked")
    checkin = checkin_record(
        order_id=order.pk,
        actor=merchandiser,
        data=input_(milestone_id=fabric.pk, problems="Zip supplier late", next_steps="Call again at 3pm"),
    )
    assert checkin.status == CheckInStatus.DONE and checkin.completed_by == merchandiser
    fabric.refresh_from_db()
    assert fabric.actual_date == timezone.localdate()
    event = OrderEvent.objects.filter(order=order, type="stage", payload__action="checkin").get()
    assert "Zip supplier late" in event.note_text
    # Saving again the same day updates the same check-in.
    checkin_record(order_id=order.pk, actor=merchandiser, data=input_(quantity_done=1500))
    assert CheckIn.objects.get(order=order).quantity_done == 1500


@pytest.mark.django_db
def test_a_checkin_needs_a_contact_and_a_method(merchandiser):
    order = in_production_order(merchandiser)
    with pytest.raises(InvalidInput):
        checkin_record(order_id=order.pk, actor=merchandiser, data=input_(contact_name=" "))
    with pytest.raises(InvalidInput):
        checkin_record(order_id=order.pk, actor=merchandiser, data=input_(contact_method="fax"))


@pytest.mark.django_db
def test_a_missed_day_is_closed_and_other_people_are_refused(merchandiser, other_merchandiser):
    order = in_production_order(merchandiser)
    with pytest.raises(NotPermitted):
        checkin_record(order_id=order.pk, actor=other_merchandiser, data=input_())
    checkins_create_for_day(day=timezone.localdate(), calendar=WorkCalendar(weekend=()))
    checkins_mark_missed()
    with pytest.raises(TransitionRefused):
        checkin_record(order_id=order.pk, actor=merchandiser, data=input_())


@pytest.mark.django_db
def test_checkins_only_while_in_production(merchandiser):
    order = entered_order(merchandiser)
    with pytest.raises(TransitionRefused):
        checkin_record(order_id=order.pk, actor=merchandiser, data=input_())
    assert order.status == OrderState.ENTERED


# --- two runs at once on PostgreSQL ------------------------------------------------------------------
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_morning_jobs_create_each_checkin_once(team_a):
    if not is_postgres():
        pytest.skip("concurrent writers need PostgreSQL (SQLite serialises them anyway)")
    merchandiser = team_a[2]
    orders = [in_production_order(merchandiser) for _ in range(20)]
    day = a_working_day()
    barrier = threading.Barrier(2)
    created, errors = [], []

    def run():
        try:
            barrier.wait(timeout=10)
            created.append(checkins_create_for_day(day=day))
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert errors == []
    assert sorted(created) == [0, 20]  # the second waits on the first's rows, then adds nothing
    assert CheckIn.objects.filter(day=day).count() == len(orders)
    assert checkins_create_for_day(day=day) == 0


# --- on hold (broken rule 5) -----------------------------------------------------------------------
@pytest.mark.django_db
def test_a_held_order_gets_no_checkin_and_no_missed_mark(merchandiser):
    from orders.services import order_hold

    held = in_production_order(merchandiser)
    running = in_production_order(merchandiser)
    day = a_working_day()
    checkins_create_for_day(day=day)
    order_hold(order_id=held.pk, actor=merchandiser, reason="Customer paused")
    # Held after the morning job: the day's check-in is not needed, not missed.
    checkins_mark_missed(day=day)
    assert CheckIn.objects.get(order=held, day=day).status == CheckInStatus.WAIVED
    assert CheckIn.objects.get(order=running, day=day).status == CheckInStatus.MISSED
    # Held before the morning job: no check-in at all.
    next_day = WEEKDAYS.on_or_after(day + timedelta(days=1))
    assert checkins_create_for_day(day=next_day) == 1
    assert not CheckIn.objects.filter(order=held, day=next_day).exists()


@pytest.mark.django_db
def test_the_checkin_page_leaves_a_held_order_out(merchandiser):
    from orders.services import order_hold
    from production.selectors import checkin_worklist_page, checkins_due_for

    held = in_production_order(merchandiser)
    running = in_production_order(merchandiser)
    order_hold(order_id=held.pk, actor=merchandiser, reason="Customer paused")
    day = a_working_day()
    page = checkin_worklist_page(user=merchandiser, day=day, show="all")
    assert [row.order.pk for row in page.rows] == [running.pk]
    assert page.counts["all"] == 1
    due = checkins_due_for(user=merchandiser, day=day)
    assert due.due == (1 if due.working else 0)


@pytest.mark.django_db
def test_a_held_order_cannot_start_production(merchandiser):
    from orders.services import order_hold
    from production.models import ProductionRun
    from production.services import production_start

    from .conftest import run_details

    order = entered_order(merchandiser)
    order_hold(order_id=order.pk, actor=merchandiser, reason="Customer paused")
    with pytest.raises(TransitionRefused, match="on hold"):
        production_start(order_id=order.pk, actor=merchandiser, details=run_details())
    assert Order.objects.get(pk=order.pk).status == OrderState.ENTERED
    assert not ProductionRun.objects.filter(order=order).exists()


@pytest.mark.django_db
def test_a_held_order_cannot_ship(merchandiser):
    from orders.services import order_hold

    order = in_production_order(merchandiser)
    order_hold(order_id=order.pk, actor=merchandiser, reason="Customer paused")
    with pytest.raises(TransitionRefused, match="on hold"):
        order_transition(order_id=order.pk, name="ship", actor=merchandiser)


@pytest.mark.django_db
def test_the_jobs_refresh_the_planners_statistics_of_the_day(merchandiser, django_capture_on_commit_callbacks):
    # The morning job writes a whole new day at once, the night job closes it; until the table's statistics
    # know that day and those statuses, PostgreSQL plans "not checked in today" as if the day were empty.
    if not is_postgres():
        pytest.skip("planner statistics are PostgreSQL's")
    for _ in range(3):
        in_production_order(merchandiser)
    day = a_working_day()

    def statistics(column: str) -> str:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT coalesce(most_common_vals::text, '') || coalesce(histogram_bounds::text, '') "
                "FROM pg_stats WHERE tablename = 'production_checkin' AND attname = %s",
                [column],
            )
            row = cursor.fetchone()
        return row[0] if row else ""

    with django_capture_on_commit_callbacks(execute=True):
        checkins_create_for_day(day=day)
    assert day.isoformat() in statistics("day")
    with django_capture_on_commit_callbacks(execute=True):
        checkins_mark_missed(day=day)
    assert "missed" in statistics("status")
