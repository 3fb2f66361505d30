"""Logistics' part of the order page's next-step card (orders.hooks.NextStep): an order in production
ships by recording its shipments, so the card leads to that form and says what is left to ship."""

from orders.models import OrderState
from orders.permissions import can_edit

from .selectors import shipping_progress


def ship_step_context(*, order, user) -> dict | None:
    if order.status != OrderState.IN_PRODUCTION or not can_edit(user, order):
        return None
    left = [row for row in shipping_progress(order=order) if row["remaining"] > 0]
    return {"left": left} if left else None  # all shipped: the plain "Mark shipped" button
