"""Reading documents. Staff reach a document only through an order they may see (orders_visible_to); the
customer, through their status link, only their own order's current PI."""

from orders.models import Confirmation, ConfirmationMethod, Order
from orders.selectors import order_get_for_user

from .models import Document, DocumentKind


def order_documents(*, order: Order) -> dict:
    """Every version of the order's PI (newest first) and each shipment's packing lists: one query."""
    rows = list(
        Document.objects.filter(order=order)
        .select_related("uploaded_by", "shipment")
        .order_by("kind", "shipment_id", "-version")
    )
    pis = [row for row in rows if row.kind == DocumentKind.PROFORMA_INVOICE]
    packing_lists: dict[int, list[Document]] = {}
    for row in rows:
        if row.kind == DocumentKind.PACKING_LIST:
            row.shipment.order = order
            packing_lists.setdefault(row.shipment_id, []).append(row)
    return {"pis": pis, "packing_lists": packing_lists}


def current_pi(*, order: Order) -> Document | None:
    return Document.objects.filter(order=order, kind=DocumentKind.PROFORMA_INVOICE).order_by("-version").first()


def pi_confirmations(*, order: Order) -> dict[int, Confirmation]:
    """The customer's online confirmations of the order's PI, by the version they confirmed."""
    rows = Confirmation.objects.filter(order=order, method=ConfirmationMethod.PI_ONLINE).order_by("-confirmed_at")
    return {row.document_version: row for row in rows}


def document_get_for_user(*, user, order_pk, pk) -> Document | None:
    """A document of an order the user may see (the order itself 404s otherwise), or None."""
    order = order_get_for_user(user=user, pk=order_pk)
    return Document.objects.filter(order=order, pk=pk).first()


def portal_pi(*, order: Order) -> dict:
    """What the status page shows of the PI: the current version, and whether the customer confirmed it."""
    document = current_pi(order=order)
    if document is None:
        return {"pi": None, "pi_confirmation": None}
    confirmation = pi_confirmations(order=order).get(document.version)
    if confirmation is not None and confirmation.document_sha256 != document.sha256:
        confirmation = None
    return {"pi": document, "pi_confirmation": confirmation}
