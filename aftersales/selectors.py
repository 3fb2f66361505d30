"""Reads for after-sales. Row visibility of cases and feedback follows the order's
(orders.selectors.orders_visible_to); a case owner also sees the cases they own."""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import Avg, Count, F, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.roles import user_roles
from orders.models import Order, OrderEvent
from orders.selectors import events_readable, order_visibility, orders_visible_to

from .models import (
    ACTIVE_CASE_STATES,
    NOT_CLOSED_CASE_STATES,
    Case,
    Feedback,
    FeedbackSource,
    SlaTarget,
)
from .sla import calendar


def cases_visible_to(user) -> QuerySet[Case]:
    """The cases of orders the person may see, and the cases they own. The order test is joined to each
    case's order (orders.selectors.order_visibility), not `order__in=` nor an EXISTS: joined by OR to the
    owner test, either became a hash of every visible order (a supervisor's dashboard read the whole orders
    table, and a search for a word in cases' subjects took a fifth of a second), where the join probes
    only the orders of the cases read."""
    if not user.is_authenticated or not user_roles(user):
        return Case.objects.none()
    of_visible_orders = order_visibility(user, via="order")
    if not of_visible_orders:  # every order: every case
        return Case.objects.all()
    return Case.objects.filter(of_visible_orders | Q(owner=user))


def case_get_for_user(*, user, pk) -> Case:
    try:
        return (
            cases_visible_to(user)
            .select_related(
                "order", "order__merchandiser", "order__merchandiser__team", "customer", "owner", "created_by"
            )
            .get(pk=pk)
        )
    except (Case.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def case_list_queryset(*, user) -> QuerySet[Case]:
    return cases_visible_to(user).select_related("order", "customer", "owner")


def case_history(*, case: Case, limit: int = 200) -> list[OrderEvent]:
    """The case's own lines of the order's work record, newest first (worded by aftersales.wording)."""
    return events_readable(
        OrderEvent.objects.filter(order_id=case.order_id, type="stage", payload__case=case.pk)
        .select_related("actor")
        .order_by("-created_at", "-id")[:limit]
    )


def order_cases(*, order: Order) -> list[Case]:
    return list(order.cases.select_related("owner").order_by("-opened_at", "-id"))


def feedback_of(order: Order) -> list[Feedback]:
    return list(order.feedback.select_related("recorded_by").order_by("-submitted_at", "-id"))


def open_case_count(*, order: Order) -> int:
    return order.cases.filter(status__in=NOT_CLOSED_CASE_STATES).count()


def sla_targets(*, severity: str) -> tuple[int, int]:
    """(first response, resolution) in working minutes: the admin's table, else the settings."""
    row = (
        SlaTarget.objects.filter(severity=severity).values_list("first_response_minutes", "resolution_minutes").first()
    )
    if row:
        return row
    response, resolution = settings.AFTERSALES_SLA_MINUTES[severity]
    return int(response), int(resolution)


@dataclass(frozen=True)
class ClockView:
    state: str  # met, breached, at_risk, on_track, paused, stopped
    due: datetime | None
    remaining_minutes: int | None  # working minutes left (negative once breached)


def _clock(case: Case, *, target_minutes: int, due, done_at, breached_at, now, pauses: bool) -> ClockView:
    """`pauses`: whether waiting on the customer stops this clock. The first-response clock never sees a
    pause (a case leaves `open` by being answered), so only the resolution clock counts them."""
    cal = calendar()
    paused = case.paused_seconds if pauses else 0
    if pauses and case.paused_since and not done_at:
        paused += cal.seconds_between(case.paused_since, now)
    used = cal.seconds_between(case.opened_at, done_at or now) - paused
    remaining = (target_minutes * 60 - used) // 60
    if done_at is not None:
        return ClockView("breached" if breached_at or used > target_minutes * 60 else "met", None, remaining)
    if breached_at or used >= target_minutes * 60:
        return ClockView("breached", due, remaining)
    if pauses and case.paused_since:
        return ClockView("paused", None, remaining)
    if used >= target_minutes * 60 * settings.AFTERSALES_SLA_WARN_AT:
        return ClockView("at_risk", due, remaining)
    return ClockView("on_track", due, remaining)


def case_sla(case: Case, *, now=None) -> dict:
    """Both clocks of a case as the staff pages show them. The resolution clock stops for good once the
    case is resolved (until a reopen)."""
    now = now or timezone.now()
    response = _clock(
        case,
        target_minutes=case.response_target_minutes,
        due=case.response_due_at,
        done_at=case.first_responded_at,
        breached_at=case.response_breached_at,
        now=now,
        pauses=False,
    )
    resolution = _clock(
        case,
        target_minutes=case.resolution_target_minutes,
        due=case.resolution_due_at,
        done_at=case.resolved_at,
        breached_at=case.resolution_breached_at,
        now=now,
        pauses=True,
    )
    return {"response": response, "resolution": resolution}


def cases_needing_attention(*, user, owner=None, limit: int = 10) -> list[Case]:
    """Open cases of the person's scope (or of one owner), escalated first, then by deadline."""
    qs = case_list_queryset(user=user).filter(status__in=ACTIVE_CASE_STATES)
    if owner is not None:
        qs = qs.filter(owner=owner)
    return list(
        qs.order_by(F("escalated_at").desc(nulls_last=True), F("resolution_due_at").asc(nulls_last=True))[:limit]
    )


# --- feedback -------------------------------------------------------------------------------------------
def feedback_visible_to(user) -> QuerySet[Feedback]:
    if not user.is_authenticated or not user_roles(user):
        return Feedback.objects.none()
    return Feedback.objects.filter(order__in=orders_visible_to(user))


def order_survey(*, order: Order) -> Feedback | None:
    return Feedback.objects.filter(order=order, source=FeedbackSource.SURVEY).first()


def feedback_listed(*, user, customer_id: int | None = None, limit: int = 200) -> tuple[list[Feedback], dict]:
    """The feedback list: the newest `limit` rows the user may see (one customer's if asked), and the
    averages over all of them."""
    qs = feedback_visible_to(user).select_related("order", "order__customer", "customer", "recorded_by")
    if customer_id:
        qs = qs.filter(customer_id=customer_id)
    return list(qs[:limit]), feedback_summary(qs)


def feedback_summary(qs: QuerySet[Feedback]) -> dict:
    """Averages and count in one query."""
    return qs.aggregate(
        n=Count("id"), quality=Avg("quality"), delivery=Avg("delivery"), communication=Avg("communication")
    )


def feedback_summary_of(rows: list[Feedback]) -> dict:
    """feedback_summary over rows already loaded (the order page has them): the same averages, no query."""

    def average(field: str):
        values = [getattr(row, field) for row in rows if getattr(row, field) is not None]
        return sum(values) / len(values) if values else None

    return {"n": len(rows), **{field: average(field) for field in ("quality", "delivery", "communication")}}
