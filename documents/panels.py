"""The documents panel on the order page: the PI's versions, sending it, and each shipment's packing list."""

from django.utils.translation import gettext_lazy as _

from logistics.selectors import order_shipments
from orders.hooks import OrderPanel, OrderTab
from orders.models import OrderState
from orders.permissions import can_edit

from .selectors import order_documents, pi_confirmations

FINISHED = (OrderState.CANCELLED, OrderState.CLOSED)
NOTHING_SHIPPED_YET = (OrderState.RECEIVED, OrderState.CONFIRMED, OrderState.ENTERED)


def documents_context(*, order, user) -> dict:
    documents = order_documents(order=order)
    confirmations = pi_confirmations(order=order)
    editable = can_edit(user, order) and order.status not in FINISHED
    shipments = order_shipments(order=order) if order.status not in NOTHING_SHIPPED_YET else []
    pis = documents["pis"]
    for pi in pis:
        confirmation = confirmations.get(pi.version)
        pi.confirmation = confirmation if confirmation and confirmation.document_sha256 == pi.sha256 else None
    return {
        "pis": pis,
        "current_pi": pis[0] if pis else None,
        "shipments": [
            {"shipment": shipment, "packing_lists": documents["packing_lists"].get(shipment.pk, [])}
            for shipment in shipments
        ],
        "editable": editable,
    }


DOCUMENTS_PANEL = OrderPanel(
    key="documents",
    title=_("Documents"),
    template="documents/_order_panel.html",
    context=documents_context,
    # A tab of its own, read only when opened: the PI's versions, its confirmations and the shipments'
    # packing lists would cost the first view of every order three more queries.
    tab="documents",
)
DOCUMENTS_TAB = OrderTab(key="documents", title=_("Documents"), order=60)
