"""How logistics' lines of the order's work record read (orders.event_wording): its actions and the notes
its services write, worded in the reader's language."""

from django.utils.translation import gettext_lazy as _

from orders.event_wording import (
    NoteKind,
    StageWording,
    as_date,
    in_reader_language,
    label_of,
    register_notes,
    register_stage,
)

from .models import DocumentKind

STAGE = "logistics"

ACTIONS = {
    "notification_skipped": _("Customer not notified"),
    "shipped": _("Shipment recorded"),
    "delivered": _("Delivery confirmed"),
    "document_added": _("Shipping document added"),
    "status_link_revoked": _("Status link replaced"),
}

NO_CUSTOMER_EMAIL = NoteKind(
    "logistics.no_customer_email", _("The customer has no email address; tell them another way.")
)
SHIPPED = NoteKind(
    "logistics.shipped",
    _("Shipment %(ref)s: %(carrier)s %(tracking)s, ETA %(eta)s."),
    shown={"carrier": in_reader_language, "eta": as_date},
)
ALL_SHIPPED = NoteKind("logistics.all_shipped", _("Every quantity has shipped (shipment %(ref)s)."))
DELIVERED = NoteKind("logistics.delivered", _("Shipment %(ref)s delivered on %(date)s."), shown={"date": as_date})
SERVICE_PERIOD = NoteKind(
    "logistics.service_period",
    _("Delivery confirmed; the after-sales service period runs until %(date)s."),
    shown={"date": as_date},
)
DOCUMENT_ADDED = NoteKind(
    "logistics.document_added", _("%(kind)s added to shipment %(ref)s."), shown={"kind": label_of(DocumentKind)}
)
STATUS_LINK_REVOKED = NoteKind(
    "logistics.status_link_revoked", _("The customer's status link was revoked and replaced.")
)


def register() -> None:
    register_stage(STAGE, StageWording(actions=ACTIONS))
    register_notes(
        NO_CUSTOMER_EMAIL, SHIPPED, ALL_SHIPPED, DELIVERED, SERVICE_PERIOD, DOCUMENT_ADDED, STATUS_LINK_REVOKED
    )
