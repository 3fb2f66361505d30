"""The order's at-risk and overdue flags, recomputed from the plan on every production change and by
the nightly job. Written only through orders.services.order_set_flags, which records an event only
when a flag actually changes."""

from datetime import date

from django.db.models import Q
from django.utils import timezone

from orders.models import Order
from orders.services import order_set_flags
from workcalendar.calendar import WorkCalendar

from ..models import PlanMilestone, ProductionPlan
from ..schedule import OVERDUE_STATES, assess


def _assess(order, plan, milestones, *, today, calendar):
    return assess(
        status=order.status,
        delivery_date=order.delivery_date,
        plan=plan,
        milestones=milestones,
        today=today,
        calendar=calendar,
    )


def order_flags_refresh(*, order: Order, today: date | None = None, calendar: WorkCalendar | None = None) -> Order:
    """Recompute the flags of an order the caller holds (locked and current, inside the transaction of the
    change that prompted it). Written only when they change; the instance is kept in step with the row."""
    today = today or timezone.localdate()
    calendar = calendar or WorkCalendar.load()
    plan = ProductionPlan.objects.filter(order_id=order.pk).first()
    milestones = list(plan.milestones.all()) if plan else []
    result = _assess(order, plan, milestones, today=today, calendar=calendar)
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
    orders = Order.objects.filter(pk__in=ids).only("pk", "status", "delivery_date", "is_at_risk", "is_overdue")
    plans = {p.order_id: p for p in ProductionPlan.objects.filter(order_id__in=ids)}
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
        )
    ):
        milestones.setdefault(m.plan.order_id, []).append(m)
    changed = 0
    for order in orders:
        plan = plans.get(order.pk)
        result = _assess(order, plan, milestones.get(order.pk, []), today=today, calendar=calendar)
        if (result.is_at_risk, result.is_overdue) != (order.is_at_risk, order.is_overdue):
            order_set_flags(order_id=order.pk, is_at_risk=result.is_at_risk, is_overdue=result.is_overdue)
            changed += 1
    return changed
