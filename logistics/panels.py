"""The logistics panel on the order page: shipments, what is left to ship, and the customer's link."""

from django.utils.translation import gettext_lazy as _

from orders.hooks import OrderPanel, related_or_none
from orders.models import OrderState
from orders.permissions import can_edit

from .forms import DocumentForm
from .selectors import (
    order_shipments,
    service_period_end,
    shipping_progress,
    status_link_expired,
    status_link_expires_at,
    status_link_url,
)

NOTHING_SHIPPED_YET = (OrderState.RECEIVED, OrderState.CONFIRMED, OrderState.ENTERED)


def shipments_context(*, order, user) -> dict:
    # Nothing ships before production starts: no shipment to look for.
    shipments = order_shipments(order=order) if order.status not in NOTHING_SHIPPED_YET else []
    progress = shipping_progress(order=order, shipments=shipments)
    editable = can_edit(user, order)
    link = related_or_none(order, "status_link")  # joined in by the order page (orders.hooks)
    return {
        "shipments": shipments,
        "progress": progress,
        "editable": editable,
        "can_ship": editable
        and order.status == OrderState.IN_PRODUCTION
        and not order.is_on_hold
        and any(row["remaining"] > 0 for row in progress),
        "can_deliver": editable and order.status not in (OrderState.CLOSED, OrderState.CANCELLED),
        "status_link": link,
        "status_url": status_link_url(link) if link else "",
        "status_link_expires": status_link_expires_at(link) if link else None,
        "status_link_expired": bool(link) and status_link_expired(link),
        "service_ends": service_period_end(order=order, shipments=shipments) if shipments else None,
        "document_form": DocumentForm() if editable else None,
    }


SHIPMENTS_PANEL = OrderPanel(
    key="logistics",
    title=_("Shipments"),
    template="logistics/_order_panel.html",
    context=shipments_context,
    tab="shipments",
    order=40,
    select_related=("status_link",),
)
