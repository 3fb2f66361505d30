"""Demo data for the quarterly evaluation. Idempotent: each part is skipped when its demo rows exist.

- a KPI scheme for the previous quarter and a revised one for the current quarter (HR, hr.wu);
- a small history in the previous quarter (orders received, confirmed, shipped, rated; check-ins, a
  correction, a complaint, a violation), written as records of that time, so the scorecards have numbers;
- the supervisor's assessment of team A for the previous quarter (sup.zhao: a rating and a comment each),
  with record reviews of that quarter as its evidence;
- the previous quarter scored, one score adjusted with its reason, then finalised;
- a bonus for the best total and a warning (citing the violation) for merch.wang;
- merch.zhang's appeal, waiting for HR;
- a newcomer (merch.liu) who joined two weeks before the quarter ended and had no orders of her own yet:
  her scorecard reads "not enough data" (no score, no rank, no reward). She left during her probation,
  so she is no longer active and is not scored again.
"""

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.models import Department, User
from accounts.roles import Role
from aftersales.models import Case, CaseType, Feedback
from evaluation.codes import AppealStatus, OutcomeKind, RunTrigger
from evaluation.models import (
    Appeal,
    EvaluationQuarter,
    EvaluationRun,
    KpiScheme,
    Outcome,
    ScoreLine,
    SupervisorRating,
)
from evaluation.quarters import Quarter, company_tz
from evaluation.services import (
    appeal_submit,
    default_scheme_lines,
    evaluation_finalise,
    evaluation_quarter_ensure,
    evaluation_score_quarter,
    outcome_record,
    scheme_create,
    score_adjust,
    supervisor_rate,
)
from logistics.models import Carrier, Shipment
from orders.models import Currency, Customer, EventType, Order, OrderEvent, OrderState, Product
from orders.services import LineInput, OrderInput, order_create, order_number_next
from production.models import CheckIn, CheckInStatus
from supervision.models import RecordReview, Violation
from supervision.services import discipline

PO_PREFIX = "EVAL-DEMO-"
MERCHANDISERS = ["merch.li", "merch.wang", "merch.zhang", "merch.chen"]
NEWCOMER = "merch.liu"
SCHEME_NOTE_PREVIOUS = "演示方案 / Demo scheme"
SCHEME_NOTE_CURRENT = "交期权重加大 / More weight on on-time delivery"


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=company_tz())


def _schemes(hr, previous: Quarter, current: Quarter) -> None:
    if not KpiScheme.objects.filter(year=previous.year, quarter=previous.q).exists():
        scheme_create(actor=hr, quarter=previous, lines=default_scheme_lines(), note=SCHEME_NOTE_PREVIOUS)
    if not KpiScheme.objects.filter(year=current.year, quarter=current.q).exists():
        lines = []
        for line in default_scheme_lines():
            weight = {"on_time_delivery": 20, "checkin_compliance": 0}.get(line.kpi, line.weight)
            lines.append(line.__class__(**{**line.__dict__, "weight": weight}))
        scheme_create(actor=hr, quarter=current, lines=lines, note=SCHEME_NOTE_CURRENT)


def _history(people, previous: Quarter, rng: random.Random) -> None:
    """Four orders per merchandiser in the previous quarter's first month, with their records."""
    if Order.objects.filter(customer_po__startswith=PO_PREFIX).exists():
        return
    carrier = Carrier.objects.filter(active=True).order_by("pk").first() or Carrier.objects.create(
        code="demo-sea", name_zh="演示海运", name_en="Demo Sea Freight", default_mode="sea"
    )
    usd = Currency.objects.get(code="USD")
    product = Product.objects.order_by("style_no").first()
    first = previous.first_day
    for m_index, username in enumerate(MERCHANDISERS):
        merch = people[username]
        customer = Customer.objects.filter(merchandiser=merch).order_by("code").first()
        if customer is None or product is None:
            continue
        for i in range(4):
            data = OrderInput(
                customer=customer,
                currency=usd,
                delivery_date=timezone.localdate() + timedelta(days=60),
                customer_po=f"{PO_PREFIX}{m_index}{i}",
                lines=[
                    LineInput(product=product, quantity=Decimal(1000), unit=product.unit, unit_price=Decimal("3.20"))
                ],
            )
            order = order_create(data=data, channel="email", actor=merch, merchandiser=merch)
            received_day = first + timedelta(days=2 + 5 * i + m_index)
            received = _at(received_day, 10)
            confirmed = received + timedelta(hours=rng.choice([2, 4, 6, 26, 50]))
            promised = received_day + timedelta(days=45)
            ship_day = received_day + timedelta(days=35)
            delivered = promised + timedelta(days=rng.choice([-4, -2, 0, 0, 3]))
            entered = confirmed + timedelta(hours=1)
            Order.objects.filter(pk=order.pk).update(
                received_at=received,
                confirmed_at=confirmed,
                entered_at=entered,
                # Entry gives the order its number; a closed order without one reads "not entered".
                number=order_number_next(at=entered),
                status=OrderState.CLOSED,
                delivery_date=promised,
                closed_at=_at(delivered + timedelta(days=20), 9),
            )
            Shipment.objects.create(
                order=order,
                seq=1,
                carrier=carrier,
                mode="sea",
                tracking_number=f"DEMO{order.pk:06d}",
                ship_date=ship_day,
                eta=promised,
                delivered_on=delivered,
                received_by="Warehouse",
            )
            OrderEvent.objects.create(
                order=order,
                type=EventType.TRANSITION,
                actor=merch,
                created_at=_at(ship_day, 15),
                from_state="in_production",
                to_state="shipped",
                payload={"transition": "ship"},
            )
            Feedback.objects.create(
                order=order,
                customer=customer,
                source="survey",
                quality=rng.choice([4, 5, 5]),
                delivery=rng.choice([3, 4, 5]),
                communication=rng.choice([4, 5]),
                submitted_at=_at(delivered, 16),
                updated_at=_at(delivered, 16),
            )
            for d in range(6):
                day = received_day + timedelta(days=10 + d)
                if day.weekday() < 5:
                    status = CheckInStatus.DONE if rng.random() < 0.9 else CheckInStatus.MISSED
                    CheckIn.objects.create(order=order, day=day, merchandiser=merch, status=status)
            if username == "merch.wang" and i == 1:
                OrderEvent.objects.create(
                    order=order,
                    type=EventType.CORRECTION,
                    actor=merch,
                    created_at=confirmed + timedelta(days=3),
                    note="数量录入错误 / quantity entered wrongly",
                    payload={"changes": []},
                )
            if username == "merch.zhang" and i == 2:
                Case.objects.create(
                    order=order,
                    customer=customer,
                    case_type=CaseType.COMPLAINT,
                    channel="email",
                    subject="外箱破损 / Damaged cartons",
                    description="3 cartons crushed on arrival.",
                    opened_at=_at(delivered + timedelta(days=1), 11),
                    response_target_minutes=60,
                    resolution_target_minutes=480,
                    owner=merch,
                    first_responded_at=_at(delivered + timedelta(days=1), 11, 40),
                )


def _violation(people, previous: Quarter):
    wang, supervisor = people["merch.wang"], people["sup.zhao"]
    found = Violation.objects.filter(person=wang, occurred_at__gte=previous.start, occurred_at__lt=previous.end).first()
    if found:
        return found
    violation = discipline.violation_record(
        actor=supervisor,
        person=wang,
        type="record",
        severity="minor",
        occurred_at=_at(previous.first_day + timedelta(days=20), 15),
        description="工作记录未及时更新 / Work record not kept up to date for a week.",
    )
    # Upheld by HR: only upheld violations count in the scorecard and may be cited by a penalty.
    discipline.violation_opinion(violation_id=violation.pk, actor=supervisor, agreed=True, opinion="")
    return discipline.violation_decide(
        violation_id=violation.pk, actor=people["hr.wu"], sanction=violation.proposed_sanction
    )


def _newcomer(people, previous: Quarter) -> User | None:
    """Made active only until the quarter is scored; _newcomer_leaves deactivates her."""
    if User.objects.filter(username=NEWCOMER).exists():
        return None
    newcomer = User.objects.create(
        username=NEWCOMER,
        last_name="刘",
        first_name="洋",
        employee_no="E2005",
        department=Department.MERCHANDISING,
        team=people["merch.chen"].team,
        preferred_language="zh-hans",
        email=f"{NEWCOMER}@gendan.example",
        date_joined=_at(previous.last_day - timedelta(days=13), 9),
    )
    newcomer.set_unusable_password()
    newcomer.save(update_fields=["password"])
    newcomer.groups.set([Group.objects.get(name=Role.MERCHANDISER)])
    return newcomer


def _newcomer_leaves(newcomer: User | None) -> None:
    if newcomer is not None:
        newcomer.is_active = False
        newcomer.save(update_fields=["is_active"])


# The supervisor's assessment of team A (policy 5.1.2): rating, comment, and a record review as evidence.
RATINGS = {
    "merch.li": (5, "跟进及时,问题主动上报 / Follows up on time and raises problems early."),
    "merch.wang": (3, "确认偏慢,有一次违规 / Slow to confirm; one violation on file."),
}


def _ratings(people, previous: Quarter) -> None:
    supervisor = people["sup.zhao"]
    evaluation = evaluation_quarter_ensure(previous)
    if evaluation.is_frozen or SupervisorRating.objects.filter(evaluation=evaluation).exists():
        return
    for username, (rating, comment) in RATINGS.items():
        merch = people[username]
        if merch.team_id is None or merch.team.supervisor_id != supervisor.pk:
            continue
        order = Order.objects.filter(merchandiser=merch, customer_po__startswith=PO_PREFIX).order_by("pk").first()
        if order is not None:
            RecordReview.objects.create(
                order=order,
                merchandiser=merch,
                reviewer=supervisor,
                reviewed_at=_at(previous.first_day + timedelta(days=40), 15),
                rating=rating,
                comment=comment.split(" / ")[0],
            )
        supervisor_rate(actor=supervisor, merchandiser_id=merch.pk, quarter=previous, rating=rating, comment=comment)


def _score_and_finalise(people, previous: Quarter) -> EvaluationQuarter:
    hr = people["hr.wu"]
    evaluation = evaluation_quarter_ensure(previous)
    if evaluation.is_frozen:
        return evaluation
    run = EvaluationRun.objects.create(evaluation=evaluation, trigger=RunTrigger.MANUAL, requested_by=hr)
    evaluation_score_quarter(run_id=run.pk)
    line = ScoreLine.objects.filter(
        evaluation=evaluation, merchandiser=people["merch.chen"], kpi="on_time_delivery"
    ).first()
    if line is not None and line.applicable and line.adjusted_score is None and line.score < 100:
        score_adjust(
            line_id=line.pk,
            actor=hr,
            new_score=min(Decimal(100), line.score + 20),
            reason="港口台风停航,迟到非本人原因 / Typhoon closed the port: the delay was not the merchandiser's doing.",
        )
    return evaluation_finalise(evaluation_id=evaluation.pk, actor=hr)


def _outcomes_and_appeal(people, evaluation: EvaluationQuarter, violation) -> None:
    hr = people["hr.wu"]
    cards = list(
        evaluation.scorecards.filter(total__isnull=False).select_related("merchandiser").order_by("-total", "pk")
    )
    if not cards:
        return
    best = cards[0]
    if not Outcome.objects.filter(scorecard=best, kind=OutcomeKind.BONUS).exists():
        outcome_record(
            scorecard_id=best.pk,
            actor=hr,
            kind=OutcomeKind.BONUS,
            amount=Decimal("2000"),
            reason="季度评分第一 / Best total of the quarter.",
        )
    wang = next((c for c in cards if c.merchandiser.username == "merch.wang"), None)
    if wang and not Outcome.objects.filter(scorecard=wang, kind=OutcomeKind.WARNING).exists():
        outcome_record(
            scorecard_id=wang.pk,
            actor=hr,
            kind=OutcomeKind.WARNING,
            reason="订单更正与记录缺失,书面警告 / Written warning: a correction after confirmation, a missing record.",
            violation_ids=[violation.pk] if violation else [],
        )
    zhang = next((c for c in cards if c.merchandiser.username == "merch.zhang"), None)
    if zhang and not Appeal.objects.filter(scorecard=zhang).exists():
        appeal_submit(
            scorecard_id=zhang.pk,
            actor=zhang.merchandiser,
            reason="投诉源于承运商破损,请复核满意度得分 / The complaint was the carrier's damage; please review.",
        )


def load(rng: random.Random) -> dict:
    people = {u.username: u for u in User.objects.filter(username__in=[*MERCHANDISERS, "hr.wu", "sup.zhao"])}
    if len(people) < len(MERCHANDISERS) + 2:
        return {}
    current = Quarter.current()
    previous = current.previous()
    _schemes(people["hr.wu"], previous, current)
    _history(people, previous, rng)
    violation = _violation(people, previous)
    _ratings(people, previous)
    newcomer = _newcomer(people, previous)
    evaluation = _score_and_finalise(people, previous)
    _newcomer_leaves(newcomer)
    _outcomes_and_appeal(people, evaluation, violation)
    return {
        "evaluation_quarter": str(previous),
        "scorecards": evaluation.scorecards.count(),
        "not_enough_data": evaluation.scorecards.filter(total__isnull=True).count(),
        "appeals_open": Appeal.objects.filter(status=AppealStatus.OPEN).count(),
        "supervisor_ratings": SupervisorRating.objects.filter(evaluation=evaluation).count(),
    }
