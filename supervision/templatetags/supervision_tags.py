from django import template

from orders.models import OrderState

register = template.Library()


@register.filter
def order_state_label(value: str) -> str:
    """The translated label of an order state stored as text (agenda and report figures are JSON)."""
    try:
        return OrderState(value).label
    except ValueError:
        return value


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if hasattr(mapping, "get") else None
