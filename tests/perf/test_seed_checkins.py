"""seed_bench's production data (production/bench_seed.py) is what the services and the daily jobs would
have left: a run for every order that went into production, the T&A plan the app itself computes for every
entered or in-production order, and one check-in per order and working day the morning job found it in
production, closed as the night job would. PostgreSQL only (the seeder is SQL): skipped on SQLite."""

from collections import Counter, defaultdict
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from devtools import seeding
from devtools.seeders.production import CHECKIN_WINDOW_DAYS
from devtools.seeding import SeedConfig, seed_bench
from orders.models import Order, OrderEvent, OrderLine, OrderState
from production.models import (
    CheckIn,
    CheckInStatus,
    ContactMethod,
    PlanMilestone,
    ProductionPlan,
    ProductionRun,
    TemplateMilestone,
)
from production.selectors import checkin_counts, plan_preview
from production.services import CheckInInput, checkin_record, checkins_create_for_day, checkins_mark_missed
from workcalendar.calendar import WorkCalendar

JOB_TIME, NIGHT_TIME = (8, 30), (23, 30)  # production-daily-checkins and -mark-missed-checkins


# Seeded "now": the check-in page differs on working days (the morning job made today's check-ins) and on
# weekends (it made none). No company holidays are loaded, so these are a Wednesday and a Saturday.
WEDNESDAY = datetime(2026, 3, 11, 15, 0, tzinfo=ZoneInfo(settings.TIME_ZONE))
SATURDAY = datetime(2026, 3, 14, 15, 0, tzinfo=ZoneInfo(settings.TIME_ZONE))


def _seed(monkeypatch, at: datetime):
    if connection.vendor != "postgresql":
        pytest.skip("seed_bench writes PostgreSQL SQL; CI runs this on PostgreSQL")
    # Only this seeder: the other stages' seeders are tested beside them.
    monkeypatch.setattr(seeding, "EXTRA_SEEDERS", [s for s in seeding.EXTRA_SEEDERS if s.label == "check-ins"])
    config = SeedConfig(orders=400, teams=2, merchandisers=4, customers=12, products=20, years=0.25, heavy_every=100)
    with time_machine.travel(at, tick=True):
        yield seed_bench(config=config, reset=True, log=lambda _msg: None)


@pytest.fixture
def seeded(transactional_db, monkeypatch):
    yield from _seed(monkeypatch, WEDNESDAY)


@pytest.fixture
def seeded_on_a_saturday(transactional_db, monkeypatch):
    yield from _seed(monkeypatch, SATURDAY)


def _times() -> dict:
    """Each order's production window from its work record: started, left (shipped or cancelled), entered."""
    times: dict = defaultdict(dict)
    for order_id, source, target, at in OrderEvent.objects.filter(type="transition").values_list(
        "order_id", "from_state", "to_state", "created_at"
    ):
        if target == OrderState.ENTERED:
            times[order_id]["entered"] = at
        elif target == OrderState.IN_PRODUCTION:
            times[order_id]["started"] = at
        elif source == OrderState.IN_PRODUCTION:  # shipped, or cancelled while in production
            times[order_id]["left"] = at
    return times


def _job_at(day) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, *JOB_TIME))


def _night_at(day) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, *NIGHT_TIME))


def _local(moment):
    return timezone.localdate(moment)


def test_a_run_for_every_order_that_went_into_production(seeded):
    times = _times()
    started = {order_id for order_id, t in times.items() if "started" in t}
    runs = list(ProductionRun.objects.select_related("order"))
    assert runs and {r.order_id for r in runs} == started
    for run in runs:
        assert run.is_complete
        assert run.recorded_by_id == run.order.merchandiser_id
        assert times[run.order_id]["entered"] < run.recorded_at < times[run.order_id]["started"]
        assert run.start_date == _local(times[run.order_id]["started"])
    assert seeded.extras["check-ins"] > len(runs)


def test_plans_are_the_ones_the_app_computes_on_the_day_of_entry(seeded):
    times = _times()
    live = set(
        Order.objects.filter(status__in=[OrderState.ENTERED, OrderState.IN_PRODUCTION]).values_list("pk", flat=True)
    )
    plans = list(ProductionPlan.objects.select_related("order", "template"))
    assert plans and {p.order_id for p in plans} == live
    today = timezone.localdate()
    for plan in plans:
        schedule = plan_preview(order=plan.order, today=_local(times[plan.order_id]["entered"]))
        assert plan.template == schedule.template
        assert (plan.ex_factory_date, plan.transit_days) == (schedule.ex_factory, schedule.transit_days)
        assert (plan.is_compressed, plan.shortfall_days) == (schedule.is_compressed, schedule.shortfall_days)
        milestones = list(plan.milestones.select_related("depends_on"))
        assert [(m.code, m.planned_date, m.offset_days) for m in milestones] == [
            (s.source.code, s.planned_date, s.offset_days) for s in schedule.milestones
        ]
        sources = {s.source.code: s.source for s in schedule.milestones}
        for m in milestones:
            dependency = sources[m.code].depends_on
            assert (m.depends_on.code if m.depends_on else None) == (dependency.code if dependency else None)
            if m.actual_date:
                assert m.planned_date < today and m.actual_date <= today
                assert m.offset_days > 0  # ex-factory waits for the shipment
                assert m.updated_by_id == plan.order.merchandiser_id
    actuals = PlanMilestone.objects.exclude(actual_date=None).count()
    assert 0 < actuals < PlanMilestone.objects.count()
    assert PlanMilestone.objects.count() == sum(
        TemplateMilestone.objects.filter(template=p.template).count() for p in plans
    )


def test_one_checkin_per_working_day_the_morning_job_found_the_order_in_production(seeded):
    times = _times()
    now, today = timezone.now(), timezone.localdate()
    calendar = WorkCalendar.load()
    first_day = today - timedelta(days=CHECKIN_WINDOW_DAYS)
    expected = set()
    for order_id, t in times.items():
        if "started" not in t:
            continue
        day = max(first_day, _local(t["started"]))
        while day <= today:
            job_at = _job_at(day)
            if (
                calendar.is_working_day(day)
                and t["started"] < job_at <= now
                and job_at < t.get("left", now + timedelta(1))
            ):
                expected.add((order_id, day))
            day += timedelta(days=1)
    checkins = list(CheckIn.objects.select_related("order"))
    assert len(checkins) == len({(c.order_id, c.day) for c in checkins})  # one per order and day
    assert {(c.order_id, c.day) for c in checkins} == expected
    for c in checkins:
        assert c.merchandiser_id == c.order.merchandiser_id
        assert c.created_at == _job_at(c.day)


def test_checkins_are_closed_as_the_merchandisers_and_the_night_job_left_them(seeded):
    times = _times()
    now, today = timezone.now(), timezone.localdate()
    totals = {
        row["order"]: row["total"]
        for row in OrderLine.objects.values("order").order_by().annotate(total=Sum("quantity"))
    }
    statuses = Counter()
    quantities = defaultdict(list)
    for c in CheckIn.objects.order_by("order_id", "day"):
        statuses[c.status] += 1
        left = times[c.order_id].get("left")
        if c.day == today:
            assert c.status == CheckInStatus.PENDING  # the morning job made it; nobody has answered yet
            continue
        assert c.status != CheckInStatus.PENDING  # the night job closed every earlier day
        if c.status == CheckInStatus.DONE:
            assert c.contact_name and c.contact_method in ContactMethod.values
            assert c.completed_by_id == c.merchandiser_id
            assert _job_at(c.day) < c.completed_at < min(left or now, now)
            assert _local(c.completed_at) == c.day
            if c.quantity_done is not None:
                assert 0 <= c.quantity_done <= totals[c.order_id]
                quantities[c.order_id].append(c.quantity_done)
            if c.milestone_id:
                assert c.milestone.plan.order_id == c.order_id and c.milestone.actual_date == c.day
        else:
            assert not (c.contact_name or c.contact_method or c.completed_at or c.quantity_done)
            # waived: the order left production that day, before anyone answered and before the night job
            assert (c.status == CheckInStatus.WAIVED) == (left is not None and left <= _night_at(c.day))
    for series in quantities.values():
        assert series == sorted(series)  # produced so far never shrinks
    closed = statuses[CheckInStatus.DONE] + statuses[CheckInStatus.MISSED]
    assert 0.85 < statuses[CheckInStatus.DONE] / closed < 0.99
    assert statuses[CheckInStatus.MISSED] > 0
    assert CheckIn.objects.exclude(problems="").exists()


def test_the_jobs_and_the_check_in_page_work_on_the_seeded_rows(seeded, client):
    today = timezone.localdate()
    calendar = WorkCalendar.load()
    # The night job already closed every earlier day; the morning job already ran today (if it runs today).
    assert checkins_mark_missed(day=today - timedelta(days=1)) == 0
    in_production = Order.objects.filter(status=OrderState.IN_PRODUCTION)
    without_today = set(in_production.exclude(checkins__day=today).values_list("pk", flat=True))
    assert calendar.is_working_day(today)
    created = checkins_create_for_day(day=today, calendar=calendar)
    assert created == len(without_today)
    started_after_job = {o for o, at in _times().items() if "started" in at and at["started"] >= _job_at(today)}
    assert without_today <= started_after_job  # only orders that started after the job ran

    order = in_production.select_related("merchandiser").order_by("pk").first()
    merchandiser = order.merchandiser
    own = in_production.filter(merchandiser=merchandiser, is_on_hold=False).count()  # a held order asks for none
    counts = checkin_counts(user=merchandiser, day=today)
    assert counts["all"] == own and counts["done"] == 0
    client.force_login(merchandiser)
    page = client.get(reverse("production:my_checkins"), {"show": "all", "per_page": 100})
    assert page.status_code == 200
    assert order.display_number in page.content.decode()

    detail = client.get(reverse("orders:detail", args=[order.pk]))
    assert detail.status_code == 200
    html = detail.content.decode()
    assert order.production_run.work_order_ref in html
    ex_factory = PlanMilestone.objects.get(plan__order=order, offset_days=0)
    assert ex_factory.name_zh in html or ex_factory.name_en in html

    # The merchandiser answers today's check-in through the service.
    checkin = checkin_record(
        order_id=order.pk,
        actor=merchandiser,
        data=CheckInInput(contact_name="王组长", contact_method=ContactMethod.PHONE, quantity_done=100),
    )
    assert checkin.status == CheckInStatus.DONE and checkin.day == today
    assert checkin_counts(user=merchandiser, day=today)["done"] == 1


def test_on_a_non_working_day_nothing_is_made_for_today_and_the_page_lists_the_orders(seeded_on_a_saturday, client):
    today = timezone.localdate()
    assert not WorkCalendar.load().is_working_day(today)
    assert not CheckIn.objects.filter(day=today).exists()
    assert not CheckIn.objects.filter(status=CheckInStatus.PENDING).exists()  # Friday night closed the week
    assert CheckIn.objects.filter(day=today - timedelta(days=1)).exists()
    order = Order.objects.filter(status=OrderState.IN_PRODUCTION).select_related("merchandiser").first()
    counts = checkin_counts(user=order.merchandiser, day=today)
    assert counts["todo"] == counts["all"] > 0
    client.force_login(order.merchandiser)
    page = client.get(reverse("production:my_checkins"), {"per_page": 100})
    assert page.status_code == 200 and order.display_number in page.content.decode()
