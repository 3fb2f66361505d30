"""The after-sales panel on the order page: the order's cases with their SLA clocks, and its feedback."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from orders.hooks import OrderPanel
from orders.models import OrderState
from orders.permissions import can_edit

from .selectors import case_sla, feedback_of, feedback_summary_of, order_cases
from .services import CASE_ORDER_STATES, FEEDBACK_LOG_STATES

BEFORE_PRODUCTION = (OrderState.RECEIVED, OrderState.CONFIRMED, OrderState.ENTERED)


def aftersales_context(*, order, user) -> dict:
    now = timezone.now()
    if order.status in BEFORE_PRODUCTION:  # cases open from production on, feedback after shipping
        cases, feedback = [], []
    else:
        cases = order_cases(order=order)
        feedback = feedback_of(order) if order.status in FEEDBACK_LOG_STATES else []  # only logged once shipped
    editable = can_edit(user, order)
    return {
        "cases": [{"case": case, "sla": case_sla(case, now=now)} for case in cases],
        "feedback": feedback,
        "feedback_summary": feedback_summary_of(feedback) if feedback else None,
        "can_open_case": editable and order.status in CASE_ORDER_STATES,
        "can_log_feedback": editable and order.status in FEEDBACK_LOG_STATES,
    }


AFTERSALES_PANEL = OrderPanel(
    key="aftersales",
    title=_("After-sales and feedback"),
    template="aftersales/_order_panel.html",
    context=aftersales_context,
    tab="aftersales",
    order=50,
)
