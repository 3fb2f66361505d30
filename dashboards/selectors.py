from django.db.models import Count

from orders.models import OrderState


def orders_by_state(orders) -> list[dict]:
    """Counts per state of an already-visible queryset: one grouped query."""
    counts = dict(orders.order_by().values_list("status").annotate(n=Count("id")))
    return [{"state": state, "label": state.label, "count": counts.get(state.value, 0)} for state in OrderState]


def recent_orders(orders, limit: int = 10):
    return orders.select_related("customer", "merchandiser").order_by("-received_at", "-id")[:limit]
