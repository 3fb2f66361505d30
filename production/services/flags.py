"""The order's at-risk and overdue flags, recomputed from the plan on every production change and by
the nightly job. Written only through orders.services.order_set_flags, which records an event only
when a flag actually changes."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from orders.event_wording import both_names
from orders.models import Order
from orders.services import order_set_flags
from workcalendar.calendar import WorkCalendar

from .. import wording
from ..models import PlanMilestone, ProductionPlan, PromiseWarning
from ..schedule import AT_RISK_STATES, OVERDUE_STATES, assess, promise_breaks
from ._common import stage_event


def _assess(order, plan, milestones, *, today, calendar):
    return assess(
        status=order.status,
        delivery_date=order.delivery_date,
        plan=plan,
        milestones=milestones,
        today=today,
        calendar=calendar,
    )


def _working_hours_until_close(day: date, *, now: datetime, calendar: WorkCalendar, enough: float) -> float:
    """Working hours from `now` to the end of `day`'s working hours (CALENDAR_WORKDAY_START/END), counted
    until `enough` is passed: only "within the limit or not" is asked."""
    tz = ZoneInfo(settings.TIME_ZONE)
    opens, closes = (
        time.fromisoformat(settings.CALENDAR_WORKDAY_START),
        time.fromisoformat(settings.CALENDAR_WORKDAY_END),
    )
    local = now.astimezone(tz)
    hours, current = 0.0, local.date()
    while current <= day and hours <= enough:
        if calendar.is_working_day(current):
            start = max(local, datetime.combine(current, opens, tzinfo=tz))
            end = datetime.combine(current, closes, tzinfo=tz)
            hours += max(0.0, (end - start).total_seconds() / 3600)
        current += timedelta(days=1)
    return hours


def promise_warnings_raise(
    *,
    order: Order,
    plan,
    milestones,
    now: datetime,
    calendar: WorkCalendar,
    raised_before: set | None = None,
    pending: list | None = None,
) -> int:
    """The promise's early warning (docs/production.md): for each open milestone whose projection breaks
    the promised date, or whose last safe day closes within PROMISE_WARNING_WORKING_HOURS working hours,
    one PromiseWarning per milestone and promised date, and one record on the order for those raised
    together. Idempotent; a held order raises none. `raised_before`: the (milestone, promised date) pairs
    already warned, when the caller read them for many orders at once; `pending`: a list that takes the new
    warnings, for that caller to insert them together. Returns how many were raised."""
    if plan is None or order.is_on_hold or order.status not in AT_RISK_STATES:
        return 0
    limit = settings.PROMISE_WARNING_WORKING_HOURS
    due = [
        found
        for found in promise_breaks(
            delivery_date=order.delivery_date,
            transit_days=plan.transit_days,
            milestones=milestones,
            today=timezone.localdate(now),
            calendar=calendar,
        )
        if found.is_broken
        or _working_hours_until_close(found.latest_safe, now=now, calendar=calendar, enough=limit) <= limit
    ]
    if not due:
        return 0
    if raised_before is None:
        raised_before = set(
            PromiseWarning.objects.filter(order_id=order.pk, delivery_date=order.delivery_date).values_list(
                "milestone_id", "delivery_date"
            )
        )
    raised = [found for found in due if (found.milestone.pk, order.delivery_date) not in raised_before]
    if not raised:
        return 0
    warnings = [
        PromiseWarning(
            order_id=order.pk,
            milestone_id=found.milestone.pk,
            delivery_date=order.delivery_date,
            projected_date=found.projected,
            latest_safe_date=found.latest_safe,
            raised_at=now,
        )
        for found in raised
    ]
    if pending is None:
        # The unique constraint keeps one per milestone and date.
        PromiseWarning.objects.bulk_create(warnings, ignore_conflicts=True)
    else:
        pending.extend(warnings)
    # One line of the work record per raise, naming the most urgent milestone; the rest in its payload.
    first = min(raised, key=lambda b: (b.latest_safe, b.milestone.sequence))
    stage_event(
        order,
        None,
        action="promise_warning",
        note=wording.PROMISE_WARNING(
            milestone=both_names(first.milestone), latest=first.latest_safe, promised=order.delivery_date
        ),
        payload={"milestones": [b.milestone.code for b in raised]},
    )
    return len(raised)


def order_flags_refresh(*, order: Order, today: date | None = None, calendar: WorkCalendar | None = None) -> Order:
    """Recompute the flags of an order the caller holds (locked and current, inside the transaction of the
    change that prompted it). Written only when they change; the instance is kept in step with the row."""
    today = today or timezone.localdate()
    calendar = calendar or WorkCalendar.load()
    plan = ProductionPlan.objects.filter(order_id=order.pk).first()
    milestones = list(plan.milestones.all()) if plan else []
    return _refresh(order, plan, milestones, today=today, calendar=calendar, now=timezone.now())


def orders_flags_refresh_imported(*, orders: list[Order], plans: dict, today: date | None = None) -> None:
    """order_flags_refresh for the orders the go-live import (golive.services) has just created, with the
    plans plans_import returned (by order id, each with its milestones): nothing read again per order, and
    no promise warning raised before, the orders being new."""
    today = today or timezone.localdate()
    calendar, now = WorkCalendar.load(), timezone.now()
    warnings: list[PromiseWarning] = []
    for order in orders:
        plan = plans.get(order.pk)
        milestones = plan.imported_milestones if plan else []
        _refresh(
            order, plan, milestones, today=today, calendar=calendar, now=now, raised_before=set(), pending=warnings
        )
    PromiseWarning.objects.bulk_create(warnings, ignore_conflicts=True, batch_size=1000)


def _refresh(order, plan, milestones, *, today, calendar, now, raised_before=None, pending=None) -> Order:
    result = _assess(order, plan, milestones, today=today, calendar=calendar)
    promise_warnings_raise(
        order=order,
        plan=plan,
        milestones=milestones,
        now=now,
        calendar=calendar,
        raised_before=raised_before,
        pending=pending,
    )
    if (result.is_at_risk, result.is_overdue) != (order.is_at_risk, order.is_overdue):
        fresh = order_set_flags(order_id=order.pk, is_at_risk=result.is_at_risk, is_overdue=result.is_overdue)
        order.is_at_risk, order.is_overdue, order.version = fresh.is_at_risk, fresh.is_overdue, fresh.version
    return order


def order_flags_refresh_into(order, actor=None) -> None:
    """orders.hooks after-action (enter, start_production, ship, cancel): the transition's own instance is
    refreshed, so the caller of order_transition gets back the version and flags that are in the database."""
    order_flags_refresh(order=order)


def flags_refresh_all(*, today: date | None = None, chunk_size: int = 2000) -> int:
    """The nightly job: every order that could be or is flagged. Reads in chunks (memory stays flat),
    computes in Python, and writes only the orders whose flags change. Returns how many changed."""
    today = today or timezone.localdate()
    calendar = WorkCalendar.load()
    candidates = (
        Order.objects.filter(Q(status__in=OVERDUE_STATES) | Q(is_at_risk=True) | Q(is_overdue=True))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    changed = 0
    ids: list[int] = []
    for pk in candidates.iterator(chunk_size=chunk_size):
        ids.append(pk)
        if len(ids) >= chunk_size:
            changed += _refresh_chunk(ids, today=today, calendar=calendar)
            ids = []
    if ids:
        changed += _refresh_chunk(ids, today=today, calendar=calendar)
    return changed


def _refresh_chunk(ids: list[int], *, today, calendar) -> int:
    orders = Order.objects.filter(pk__in=ids).only(
        "pk", "number", "status", "delivery_date", "is_at_risk", "is_overdue", "is_on_hold"
    )
    now = timezone.now()
    plans = {p.order_id: p for p in ProductionPlan.objects.filter(order_id__in=ids)}
    warned = set(PromiseWarning.objects.filter(order_id__in=ids).values_list("milestone_id", "delivery_date"))
    milestones: dict[int, list] = {}
    for m in (
        PlanMilestone.objects.filter(plan__order_id__in=ids)
        .select_related("plan")
        .only(
            "pk",
            "plan__order_id",
            "code",
            "sequence",
            "depends_on_id",
            "is_critical",
            "planned_date",
            "revised_date",
            "actual_date",
            "name_zh",
            "name_en",
        )
    ):
        milestones.setdefault(m.plan.order_id, []).append(m)
    changed = 0
    for order in orders:
        plan = plans.get(order.pk)
        result = _assess(order, plan, milestones.get(order.pk, []), today=today, calendar=calendar)
        promise_warnings_raise(
            order=order,
            plan=plan,
            milestones=milestones.get(order.pk, []),
            now=now,
            calendar=calendar,
            raised_before=warned,
        )
        if (result.is_at_risk, result.is_overdue) != (order.is_at_risk, order.is_overdue):
            order_set_flags(order_id=order.pk, is_at_risk=result.is_at_risk, is_overdue=result.is_overdue)
            changed += 1
    return changed
