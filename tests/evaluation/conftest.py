"""A fixture quarter (2026Q1, Asia/Shanghai) with records whose every KPI is computed by hand in
test_kpis_by_hand.py, and a test KPI scheme whose linear rules make the arithmetic easy to follow:
percentages score their own value (floor 0, target 100)."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from accounts.roles import Role
from aftersales.models import Case, CaseType, Feedback
from evaluation.codes import Rule
from evaluation.quarters import Quarter
from evaluation.services import SchemeLineInput, scheme_create
from logistics.models import Carrier, Shipment
from orders.models import EventType, Order, OrderEvent, OrderState
from production.models import CheckIn, CheckInStatus
from supervision.models import Finding, SpotCheckPlan, SpotCheckSample, Violation, WeeklyReport

from ..factories import make_order, staff

SH = ZoneInfo("Asia/Shanghai")
Q1 = Quarter(2026, 1)
# When the fixture quarter is scored: 02:00 on 1 April in Shanghai (18:00 UTC on 31 March).
SCORED_AT = datetime(2026, 4, 1, 2, 0, tzinfo=SH)


def sh(*args) -> datetime:
    return datetime(*args, tzinfo=SH)


TEST_WEIGHTS = {
    "confirmation_time": (10, "100", "0", Rule.LINEAR, "8"),
    "on_time_delivery": (20, "100", "0", Rule.LINEAR, None),
    # Reported beside the first promise, not scored (test_promise_kpis.py).
    "on_time_latest": (0, "100", "0", Rule.LINEAR, None),
    "checkin_compliance": (10, "100", "0", Rule.LINEAR, None),
    "weekly_reports": (5, "100", "0", Rule.LINEAR, None),
    "sla_adherence": (10, "100", "0", Rule.LINEAR, None),
    "order_accuracy": (15, "100", "0", Rule.LINEAR, None),
    "qa_findings": (5, "0", "2", Rule.LINEAR, None),
    "satisfaction": (10, "5", "1", Rule.LINEAR, None),
    "complaint_rate": (10, "0", "50", Rule.LINEAR, None),
    "violations": (5, "0", "5", Rule.DEDUCTION, "20"),
    # Weight 0 here so the hand-computed totals stand; test_assessment.py gives it a weight.
    "supervisor_rating": (0, "5", "1", Rule.LINEAR, None),
}


def scheme_lines(**overrides) -> list[SchemeLineInput]:
    weights = {**TEST_WEIGHTS, **overrides}
    return [
        SchemeLineInput(kpi, w, Decimal(t), Decimal(f), rule, Decimal(p) if p is not None else None)
        for kpi, (w, t, f, rule, p) in weights.items()
    ]


@dataclass
class FixtureQuarter:
    alice: object
    bob: object
    carol: object  # a merchandiser with nothing to measure
    hr: object
    supervisor: object
    orders: dict = field(default_factory=dict)
    violation: object = None


def _order(merchandiser, *, received, confirmed=None, status=OrderState.RECEIVED, delivery=None) -> Order:
    order = make_order(merchandiser=merchandiser)
    Order.objects.filter(pk=order.pk).update(
        received_at=received, confirmed_at=confirmed, status=status, delivery_date=delivery or date(2026, 6, 30)
    )
    return Order.objects.get(pk=order.pk)


def _shipment(order, *, seq=1, ship, delivered=None, carrier) -> Shipment:
    return Shipment.objects.create(
        order=order,
        seq=seq,
        carrier=carrier,
        mode="sea",
        tracking_number="T1",
        ship_date=ship,
        eta=ship,
        delivered_on=delivered,
    )


def _ship_event(order, at):
    OrderEvent.objects.create(
        order=order,
        type=EventType.TRANSITION,
        created_at=at,
        from_state="in_production",
        to_state="shipped",
        payload={"transition": "ship"},
    )


def _case(order, *, opened, case_type=CaseType.QUALITY, response_breached=None, resolution_breached=None) -> Case:
    return Case.objects.create(
        order=order,
        customer=order.customer,
        case_type=case_type,
        channel="email",
        subject="s",
        description="d",
        opened_at=opened,
        response_target_minutes=60,
        resolution_target_minutes=480,
        response_breached_at=response_breached,
        resolution_breached_at=resolution_breached,
    )


def _checkins(order, merchandiser, statuses: dict):
    for day, status in statuses.items():
        CheckIn.objects.create(order=order, day=day, merchandiser=merchandiser, status=status)


def _report(person, monday, *, submitted=None) -> WeeklyReport:
    due = datetime.combine(monday, datetime.min.time(), tzinfo=SH) + timedelta(days=4, hours=18)
    return WeeklyReport.objects.create(merchandiser=person, week_start=monday, due_at=due, submitted_at=submitted)


def _sample(plan, order, *, scored) -> SpotCheckSample:
    return SpotCheckSample.objects.create(plan=plan, order=order, merchandiser=order.merchandiser, scored_at=scored)


def _finding(sample, *, at, raised_by) -> Finding:
    return Finding.objects.create(
        sample=sample,
        merchandiser=sample.merchandiser,
        severity="minor",
        description="no confirmation evidence",
        corrective_action="attach it",
        due_date=date(2026, 3, 1),
        raised_by=raised_by,
        created_at=at,
    )


def _violation(person, *, at, recorded_by, order=None) -> Violation:
    return Violation.objects.create(
        person=person,
        type="record",
        severity="minor",
        occurred_at=at,
        description="work record missing",
        recorded_by=recorded_by,
        proposed_sanction="warning",
        order=order,
        status="decided",  # upheld by HR: only upheld violations count
    )


def build_fixture_quarter(team) -> FixtureQuarter:
    team_obj, supervisor, alice = team
    bob = staff(Role.MERCHANDISER, team=team_obj, first_name="Bob")
    carol = staff(Role.MERCHANDISER, team=team_obj, first_name="Carol")
    hr = staff(Role.HR)
    carrier = Carrier.objects.create(code="test-sea", name_zh="测试海运", name_en="Test sea", default_mode="sea")
    fx = FixtureQuarter(alice=alice, bob=bob, carol=carol, hr=hr, supervisor=supervisor)
    o = fx.orders

    # --- Alice ---------------------------------------------------------------------------------------
    # Confirmation within 8 working hours (09:00-18:00, Mon-Fri):
    o["a1"] = _order(
        alice,
        received=sh(2026, 1, 5, 10),
        confirmed=sh(2026, 1, 5, 17),  # Mon: 7 h, in time
        status=OrderState.SHIPPED,
        delivery=date(2026, 2, 20),
    )
    o["a2"] = _order(
        alice,
        received=sh(2026, 1, 9, 16),
        confirmed=sh(2026, 1, 12, 14),  # Fri 2 h + Mon 5 h
        status=OrderState.SHIPPED,
        delivery=date(2026, 3, 1),
    )
    o["a3"] = _order(
        alice,
        received=sh(2026, 1, 13, 9),
        confirmed=sh(2026, 1, 14, 10),  # 9 h + 1 h: late
        status=OrderState.IN_PRODUCTION,
        delivery=date(2026, 5, 30),
    )
    o["a9"] = _order(
        alice,
        received=sh(2026, 2, 3, 9, 30),
        confirmed=sh(2026, 2, 3, 11),  # 1.5 h
        status=OrderState.SHIPPED,
        delivery=date(2026, 3, 25),
    )
    # Received 23:30 on 31 March in Shanghai: Q1, but its 8 working hours have not passed at scoring time.
    o["a4"] = _order(alice, received=sh(2026, 3, 31, 23, 30))
    # Received 00:30 on 1 April in Shanghai (16:30 UTC on 31 March): Q2, not counted.
    o["a5"] = _order(alice, received=sh(2026, 4, 1, 0, 30))
    # Received 23:59 on 31 December 2025: Q4 2025, confirmed in Q4: not counted anywhere in Q1.
    o["a6"] = _order(
        alice, received=sh(2025, 12, 31, 23, 59), confirmed=sh(2025, 12, 31, 23, 59, 30), status=OrderState.CONFIRMED
    )
    # Cancelled before it was ever confirmed: not counted.
    o["a7"] = _order(alice, received=sh(2026, 1, 20, 10), status=OrderState.CANCELLED)

    # A correction after confirmation on a2 (accuracy).
    OrderEvent.objects.create(order=o["a2"], type=EventType.CORRECTION, created_at=sh(2026, 1, 15, 10), note="qty")
    # Corrections on orders confirmed outside Q1 do not matter.
    OrderEvent.objects.create(order=o["a6"], type=EventType.CORRECTION, created_at=sh(2026, 1, 2, 10), note="x")

    # Shipments dispatched in Q1: on time, on time, late (not delivered, promised date passed).
    _shipment(o["a1"], ship=date(2026, 2, 1), delivered=date(2026, 2, 15), carrier=carrier)
    _shipment(o["a2"], ship=date(2026, 2, 20), delivered=date(2026, 2, 28), carrier=carrier)
    _shipment(o["a9"], ship=date(2026, 3, 10), carrier=carrier)
    # Not measured: undelivered with its promised date still ahead; and one dispatched in Q4.
    _shipment(o["a3"], ship=date(2026, 3, 30), carrier=carrier)
    _shipment(o["a6"], ship=date(2025, 12, 30), delivered=date(2026, 1, 10), carrier=carrier)
    # Orders shipped in Q1 (the complaint rate's denominator), and one shipped just after it.
    _ship_event(o["a1"], sh(2026, 2, 1, 10))
    _ship_event(o["a2"], sh(2026, 2, 20, 10))
    _ship_event(o["a9"], sh(2026, 3, 10, 10))
    _ship_event(o["a3"], sh(2026, 4, 1, 0, 30))

    # Daily check-ins: 4 done, 1 missed, 1 pending on a past day (not done), 1 waived (left out).
    _checkins(
        o["a3"],
        alice,
        {
            date(2026, 3, 23): CheckInStatus.DONE,
            date(2026, 3, 24): CheckInStatus.DONE,
            date(2026, 3, 25): CheckInStatus.DONE,
            date(2026, 3, 26): CheckInStatus.DONE,
            date(2026, 3, 27): CheckInStatus.MISSED,
            date(2026, 3, 31): CheckInStatus.PENDING,
            date(2026, 3, 30): CheckInStatus.WAIVED,
            date(2026, 4, 1): CheckInStatus.MISSED,  # Q2
            date(2025, 12, 31): CheckInStatus.MISSED,  # Q4
        },
    )

    # After-sales: a complaint handled within its SLA, a quality case whose first response was late.
    _case(o["a1"], opened=sh(2026, 2, 10, 10), case_type=CaseType.COMPLAINT)
    _case(o["a2"], opened=sh(2026, 3, 5, 10), response_breached=sh(2026, 3, 5, 12))
    _case(o["a2"], opened=sh(2026, 4, 1, 0, 30), case_type=CaseType.COMPLAINT)  # Q2

    # Customer feedback: (5, 4, 5) and (3, 3, 4).
    Feedback.objects.create(
        order=o["a1"],
        customer=o["a1"].customer,
        source="survey",
        quality=5,
        delivery=4,
        communication=5,
        submitted_at=sh(2026, 2, 16, 10),
    )
    Feedback.objects.create(
        order=o["a2"],
        customer=o["a2"].customer,
        source="call",
        quality=3,
        delivery=3,
        communication=4,
        submitted_at=sh(2026, 3, 2, 10),
    )
    Feedback.objects.create(
        order=o["a2"],
        customer=o["a2"].customer,
        source="email",
        quality=1,
        delivery=1,
        communication=1,
        submitted_at=sh(2026, 4, 2, 10),
    )  # Q2

    # Weekly reports due in Q1: on time, late, never submitted; one due in Q2.
    _report(alice, date(2026, 1, 5), submitted=sh(2026, 1, 9, 17))
    _report(alice, date(2026, 1, 12), submitted=sh(2026, 1, 17, 10))
    _report(alice, date(2026, 1, 19))
    _report(alice, date(2026, 3, 30))
    # QA: a1 and a2 sampled and scored in Q1, a3 drawn but not scored yet; one finding on a2's sample.
    plan = SpotCheckPlan.objects.create(
        name="Q1 check",
        period_start=date(2026, 1, 1),
        period_end=date(2026, 3, 31),
        sample_mode="count",
        sample_size=2,
        created_by=hr,
    )
    _sample(plan, o["a1"], scored=sh(2026, 2, 20, 10))
    sample_a2 = _sample(plan, o["a2"], scored=sh(2026, 2, 21, 10))
    _sample(plan, o["a3"], scored=None)
    _finding(sample_a2, at=sh(2026, 2, 21, 11), raised_by=hr)
    # A violation on file in Q1, and one in Q2.
    fx.violation = _violation(alice, at=sh(2026, 3, 3, 10), recorded_by=supervisor, order=o["a2"])
    _violation(alice, at=sh(2026, 4, 2, 10), recorded_by=supervisor)

    # --- Bob ---------------------------------------------------------------------------------------
    o["b1"] = _order(
        bob,
        received=sh(2026, 1, 6, 10),
        confirmed=sh(2026, 1, 6, 12),
        status=OrderState.SHIPPED,
        delivery=date(2026, 3, 1),
    )
    # Never confirmed, its 8 working hours long gone: counts, not in time.
    o["b2"] = _order(bob, received=sh(2026, 3, 2, 10))
    _ship_event(o["b1"], sh(2026, 2, 2, 10))
    _checkins(o["b1"], bob, {date(2026, 1, 20): CheckInStatus.DONE, date(2026, 1, 21): CheckInStatus.DONE})
    _report(bob, date(2026, 1, 5), submitted=sh(2026, 1, 9, 10))
    _sample(plan, o["b1"], scored=sh(2026, 3, 1, 10))
    return fx


@pytest.fixture
def fixture_quarter(team_a):
    return build_fixture_quarter(team_a)


@pytest.fixture
def test_scheme(fixture_quarter):
    return scheme_create(actor=fixture_quarter.hr, quarter=Q1, lines=scheme_lines(), note="test scheme")


def now_is(moment):
    """time-machine, not ticking, at `moment`."""
    import time_machine

    return time_machine.travel(moment, tick=False)


def localtime(moment):
    return timezone.localtime(moment)
