"""Reads behind 'My check-ins today': the counts, the filters, the order of the rows and the pages."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from orders.models import Order, OrderState
from production.models import CheckIn, CheckInStatus, ProductionPlan
from production.selectors import (
    CheckinsDue,
    checkin_counts,
    checkin_worklist,
    checkin_worklist_page,
    checkins_due,
    checkins_due_for,
)
from workcalendar.models import CalendarDay, CalendarDayKind
from workcalendar.services import calendar_day_save

from .conftest import bulk_in_production, done_today, entered_order

pytestmark = pytest.mark.django_db

TUESDAY, SUNDAY = date(2026, 3, 10), date(2026, 3, 8)


def on(day: date):
    """The clock at mid-morning of `day` in the company's time zone."""
    return time_machine.travel(datetime(day.year, day.month, day.day, 10, 30, tzinfo=ZoneInfo("Asia/Shanghai")))


def pks(worklist) -> list[int]:
    return [row.order.pk for row in worklist.rows]


@on(TUESDAY)
def test_the_counts_cover_only_my_in_production_orders(merchandiser, other_merchandiser):
    # given: four of mine in production, one done today; one of mine not yet in production; others' orders
    today = timezone.localdate()
    mine = bulk_in_production(merchandiser=merchandiser, n=4)
    done_today(mine[:1], merchandiser=merchandiser)
    entered_order(merchandiser)
    theirs = bulk_in_production(merchandiser=other_merchandiser, n=3)
    done_today(theirs, merchandiser=other_merchandiser)
    # when
    counts = checkin_counts(user=merchandiser, day=today)
    # then
    assert counts == {"todo": 3, "done": 1, "all": 4}
    assert checkins_due_for(user=merchandiser, day=today) == CheckinsDue(working=True, due=4, done=1)
    assert checkins_due_for(user=merchandiser, day=today).to_do == 3


@on(TUESDAY)
def test_a_done_checkin_of_an_order_that_left_production_does_not_count(merchandiser):
    today = timezone.localdate()
    orders = bulk_in_production(merchandiser=merchandiser, n=2)
    done_today(orders, merchandiser=merchandiser)
    Order.objects.filter(pk=orders[0].pk).update(status=OrderState.SHIPPED)
    assert checkin_counts(user=merchandiser, day=today) == {"todo": 0, "done": 1, "all": 1}
    assert checkins_due_for(user=merchandiser, day=today) == CheckinsDue(working=True, due=1, done=1)


@on(SUNDAY)
def test_nothing_is_due_on_a_day_off_and_a_checkin_made_anyway_is_extra(merchandiser):
    orders = bulk_in_production(merchandiser=merchandiser, n=4)
    done_today(orders[:1], merchandiser=merchandiser)
    due = checkins_due_for(user=merchandiser, day=SUNDAY)
    assert due == CheckinsDue(working=False, extra=1)
    assert (due.to_do, due.recorded, due.percent) == (0, 1, None)


@on(SUNDAY)
def test_a_make_up_working_day_asks_for_checkins(merchandiser):
    calendar_day_save(day=CalendarDay(date=SUNDAY, kind=CalendarDayKind.WORKDAY, name="调休"))
    bulk_in_production(merchandiser=merchandiser, n=2)
    assert checkins_due_for(user=merchandiser, day=SUNDAY) == CheckinsDue(working=True, due=2)


@on(TUESDAY)
def test_what_is_due_is_what_the_viewer_may_see(merchandiser, other_merchandiser, supervisor):
    mine = bulk_in_production(merchandiser=merchandiser, n=3)
    done_today(mine[:1], merchandiser=merchandiser)
    CheckIn.objects.create(order=mine[1], day=TUESDAY, merchandiser=merchandiser, status=CheckInStatus.MISSED)
    bulk_in_production(merchandiser=other_merchandiser, n=2)
    ids = [merchandiser.pk, other_merchandiser.pk]
    seen = checkins_due(viewer=supervisor, merchandisers=ids, day=TUESDAY)
    assert seen[merchandiser.pk] == CheckinsDue(working=True, due=3, done=1, missed=1)
    assert seen[other_merchandiser.pk] == CheckinsDue(working=True)  # not the supervisor's team


def test_the_filters_and_their_order(merchandiser):
    # given: ex-factory dates ascend with the pk; the last order has no plan; two are done today
    today = timezone.localdate()
    orders = bulk_in_production(merchandiser=merchandiser, n=6)
    ProductionPlan.objects.filter(order=orders[0]).delete()
    done_today([orders[2], orders[4]], merchandiser=merchandiser)
    todo = [orders[1], orders[3], orders[5], orders[0]]  # no ex-factory date goes last
    done = [orders[2], orders[4]]

    def page(show):
        return pks(checkin_worklist_page(user=merchandiser, day=today, show=show))

    assert page("todo") == [o.pk for o in todo]
    assert page("done") == [o.pk for o in done]
    assert page("all") == [o.pk for o in todo + done]  # to-do rows first


def test_pages_are_clamped_to_the_nearest_one(merchandiser):
    today = timezone.localdate()
    orders = bulk_in_production(merchandiser=merchandiser, n=30)
    first = checkin_worklist_page(user=merchandiser, day=today, page=1)
    last = checkin_worklist_page(user=merchandiser, day=today, page=99)
    assert (first.page.number, first.page.paginator.num_pages, len(first.rows)) == (1, 2, 25)
    assert (last.page.number, pks(last)) == (2, [o.pk for o in orders[25:]])
    assert checkin_worklist_page(user=merchandiser, day=today, page=-4).page.number == 1
    assert checkin_worklist_page(user=merchandiser, day=today, per_page=50, page=2).page.number == 1


def test_an_empty_worklist_is_one_empty_page(merchandiser):
    worklist = checkin_worklist_page(user=merchandiser, day=timezone.localdate(), show="done", page=3)
    assert (worklist.page.number, worklist.rows, worklist.counts) == (1, [], {"todo": 0, "done": 0, "all": 0})


def test_unknown_views_are_refused(merchandiser):
    with pytest.raises(ValueError):
        checkin_worklist_page(user=merchandiser, day=timezone.localdate(), show="bogus")
    with pytest.raises(ValueError):
        checkin_worklist_page(user=merchandiser, day=timezone.localdate(), per_page=7)


def test_one_order_is_found_whatever_its_page_or_filter(merchandiser, other_merchandiser):
    today = timezone.localdate()
    orders = bulk_in_production(merchandiser=merchandiser, n=40)
    done_today(orders[-1:], merchandiser=merchandiser)
    [row] = checkin_worklist(user=merchandiser, day=today, order_ids=[orders[-1].pk])
    assert row.order.pk == orders[-1].pk and row.checkin.status == "done" and row.last is not None
    assert checkin_worklist(user=other_merchandiser, day=today, order_ids=[orders[-1].pk]) == []
