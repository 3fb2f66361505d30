from django import template

from core.bilingual import in_language
from orders.models import OrderState
from orders.models.order import order_draft_name

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


@register.filter
def order_name(entry) -> str:
    """An order's name as an agenda or report stored it (supervision.selectors._order_name): its number, or
    a draft's customer and PO in the reader's language. Entries stored before drafts were named keep their
    label."""
    if not hasattr(entry, "get"):
        return ""
    draft = entry.get("draft")
    if draft:
        customer = in_language(draft.get("zh"), draft.get("en"))
        return order_draft_name(customer=customer or "", po=draft.get("po") or "")
    return entry.get("label", "")
