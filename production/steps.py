"""Production's part of the order page's next-step card (orders.hooks.NextStep): an entered order starts
production with the run's details in the same form, so the card's button does the step."""

from django.utils import timezone

from orders.hooks import related_or_none
from orders.models import OrderState
from orders.permissions import can_edit

from .forms import ProductionStartForm


def start_step_context(*, order, user) -> dict | None:
    if order.status != OrderState.ENTERED or not can_edit(user, order):
        return None
    run = related_or_none(order, "production_run")  # joined in by the order page (orders.hooks)
    initial = {"version": order.version, "start_date": timezone.localdate()}
    if run:
        initial.update(factory=run.factory, line=run.line, work_order_ref=run.work_order_ref, start_date=run.start_date)
    return {"start_form": ProductionStartForm(initial=initial, prefix="start")}
