"""What the customer sees of their order. Everything here is customer-safe: no owner, no root cause, no
SLA flag, no internal note, no price, no other order."""

from django.utils.translation import gettext_lazy as _

from aftersales.models import NOT_CLOSED_CASE_STATES
from aftersales.selectors import order_survey
from aftersales.services import CASE_ORDER_STATES
from logistics.selectors import order_shipments, service_period_end
from orders import hooks
from orders.models import Order, OrderState, Promise, PromiseKind, PromiseStatus
from orders.services.promises import PROMISE_STATES

# The customer's words for the stages (the staff's state names are internal).
STAGE_LABELS = {
    OrderState.RECEIVED: _("Order received"),
    OrderState.CONFIRMED: _("Confirmed"),
    OrderState.ENTERED: _("Registered"),
    OrderState.IN_PRODUCTION: _("In production"),
    OrderState.SHIPPED: _("Shipped"),
    OrderState.AFTER_SALES: _("Delivered"),
    OrderState.CLOSED: _("Completed"),
    OrderState.CANCELLED: _("Cancelled"),
}

JOURNEY = [
    OrderState.RECEIVED,
    OrderState.CONFIRMED,
    OrderState.ENTERED,
    OrderState.IN_PRODUCTION,
    OrderState.SHIPPED,
    OrderState.AFTER_SALES,
    OrderState.CLOSED,
]


def order_journey(*, order: Order) -> list[dict]:
    """The stages as steps: done, current or to come. A cancelled order shows no journey."""
    if order.status == OrderState.CANCELLED:
        return []
    current = JOURNEY.index(order.status)
    return [
        {"state": state, "label": STAGE_LABELS[state], "done": i < current, "current": i == current}
        for i, state in enumerate(JOURNEY)
    ]


def portal_context(*, order: Order) -> dict:
    shipments = order_shipments(order=order)
    cases = list(order.cases.filter(status__in=NOT_CLOSED_CASE_STATES).order_by("-opened_at", "-id"))
    return {
        "order": order,
        "customer": order.customer,
        "journey": order_journey(order=order),
        "stage": STAGE_LABELS[order.status],
        "milestones": hooks.customer_milestones(order),
        "lines": list(order.lines.select_related("unit", "product").order_by("line_no")),
        "shipments": shipments,
        "service_ends": service_period_end(order=order) if shipments else None,
        "cases": cases,
        "survey": order_survey(order=order),
        "survey_open": order.status == OrderState.AFTER_SALES,
        "cases_open": order.status in CASE_ORDER_STATES,
        "new_date": latest_new_date(order=order),
    }


def latest_new_date(*, order: Order) -> Promise | None:
    """The latest approved new date, while the order can still get one or the customer has answered it."""
    promise = (
        Promise.objects.filter(order=order, kind=PromiseKind.CHANGE, status=PromiseStatus.APPROVED)
        .order_by("-sequence")
        .first()
    )
    if promise is None or not (promise.customer_answer or order.status in PROMISE_STATES):
        return None
    return promise
