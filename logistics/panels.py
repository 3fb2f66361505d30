"""The logistics panel on the order page: shipments, what is left to ship, and the customer's link."""

from django.utils.translation import gettext_lazy as _

from orders.hooks import OrderPanel
from orders.models import OrderState
from orders.permissions import can_edit

from .forms import DocumentForm
from .models import StatusLink
from .selectors import order_shipments, service_period_end, shipping_progress, status_link_url


def shipments_context(*, order, user) -> dict:
    shipments = order_shipments(order=order)
    progress = shipping_progress(order=order)
    editable = can_edit(user, order)
    link = StatusLink.objects.filter(order=order).first()
    return {
        "shipments": shipments,
        "progress": progress,
        "editable": editable,
        "can_ship": editable
        and order.status == OrderState.IN_PRODUCTION
        and any(row["remaining"] > 0 for row in progress),
        "can_deliver": editable and order.status not in (OrderState.CLOSED, OrderState.CANCELLED),
        "status_link": link,
        "status_url": status_link_url(link) if link else "",
        "service_ends": service_period_end(order=order) if shipments else None,
        "document_form": DocumentForm() if editable else None,
    }


SHIPMENTS_PANEL = OrderPanel(
    key="logistics",
    title=_("Shipments"),
    template="logistics/_order_panel.html",
    context=shipments_context,
    order=40,
)
