"""Making, sending and confirming documents. Each function is one transaction with the order locked and one
event on the order's work record (the confirmation's is the order's own: orders.services)."""

import hashlib
import re
from decimal import Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import InvalidInput, NotPermitted, TransitionRefused
from logistics.models import Shipment
from notifications.services import OutgoingFile, notification_enqueue
from orders import events, hooks
from orders.models import Confirmation, ConfirmationMethod, Order, OrderState
from orders.permissions import can_edit
from orders.services import order_lock, order_record_online_confirmation

from . import pdf, wording
from .models import Document, DocumentKind

STAGE = "documents"
PDF = "application/pdf"
FINISHED = (OrderState.CANCELLED, OrderState.CLOSED)
CENT = Decimal("0.01")


def letterhead() -> pdf.Letterhead:
    return pdf.Letterhead(name=settings.COMPANY_NAME, address=settings.COMPANY_ADDRESS, logo=settings.COMPANY_LOGO)


def _require_edit(actor, order: Order) -> None:
    if actor is None or not can_edit(actor, order):
        raise NotPermitted(_("You are not allowed to change order %(order)s.") % {"order": order.display_number})


def _both(obj) -> str:
    """A bilingual name as the PDF prints it: both, or the one there is."""
    names = [name for name in (obj.name_zh, obj.name_en) if name]
    return " ".join(dict.fromkeys(names))


def _next_version(*, order: Order, kind: str, shipment: Shipment | None = None) -> int:
    rows = Document.objects.filter(order=order, kind=kind, shipment=shipment)
    return (rows.aggregate(last=Max("version"))["last"] or 0) + 1


def _store(*, order, kind, shipment, version, content: bytes, name: str, actor) -> Document:
    return Document.objects.create(
        order=order,
        kind=kind,
        shipment=shipment,
        version=version,
        sha256=hashlib.sha256(content).hexdigest(),
        file=ContentFile(content, name=name),
        original_name=name,
        content_type=PDF,
        size=len(content),
        uploaded_by=actor,
    )


def document_reference(order: Order) -> str:
    """How a document names the order in its number and file name: the order number, or before entry (no
    number yet) the customer's PO, else the order's id; letters, digits and dashes only."""
    raw = order.number or order.customer_po or f"ORDER-{order.pk}"
    return re.sub(r"[^A-Za-z0-9]+", "-", raw).strip("-") or f"ORDER-{order.pk}"


def _event_payload(document: Document) -> dict:
    return {
        "document": document.pk,
        "name": document.original_name,
        "version": document.version,
        "sha256": document.sha256,
    }


def _pi_data(order: Order, *, version: int) -> pdf.PiData:
    lines = []
    for line in order.lines.select_related("product", "unit").order_by("line_no"):
        item = " ".join(part for part in (line.product.style_no if line.product else "", line.description) if part)
        lines.append(
            pdf.PiLine(
                no=line.line_no,
                item=item or str(line.product or ""),
                detail=" / ".join(part for part in (line.colour, line.size) if part),
                quantity=line.quantity,
                unit=line.unit.code,
                unit_price=line.unit_price,
                amount=(line.quantity * line.unit_price).quantize(CENT),
            )
        )
    customer = order.customer
    return pdf.PiData(
        number=f"PI-{document_reference(order)}-v{version}",
        version=version,
        issued=timezone.localdate(),
        order_number=order.number or "",
        customer_po=order.customer_po,
        buyer=_both(customer),
        buyer_address=" · ".join(part for part in (customer.country, customer.email) if part),
        currency=order.currency.code,
        lines=lines,
        total=sum((line.amount for line in lines), Decimal("0.00")),
        trade_terms=order.trade_terms,
        payment_terms=order.payment_terms,
        delivery_date=order.delivery_date,
        ship_to=order.ship_to,
    )


def pi_generate(*, order_id, actor) -> Document:
    """Draw the order's PI as it stands and store it as the next version; earlier versions stay.

    Refused for someone who may not change the order, for a finished order and for one without lines.
    """
    with transaction.atomic():
        order = order_lock(order_id=order_id)
        _require_edit(actor, order)
        if order.status in FINISHED:
            raise TransitionRefused(_("The order is finished; nothing can be recorded on it."))
        if not order.lines.exists():
            raise InvalidInput(_("The order has no lines to put on a PI."))
        version = _next_version(order=order, kind=DocumentKind.PROFORMA_INVOICE)
        data = _pi_data(order, version=version)
        content = pdf.render_pi(data, letterhead())
        document = _store(
            order=order,
            kind=DocumentKind.PROFORMA_INVOICE,
            shipment=None,
            version=version,
            content=content,
            name=f"{data.number}.pdf",
            actor=actor,
        )
        events.event_stage(
            order,
            actor,
            stage=STAGE,
            action="pi_generated",
            note=wording.PI_GENERATED(version=version, total=f"{data.currency} {pdf.money(data.total)}"),
            payload={
                "document": document.pk,
                "name": document.original_name,
                "version": version,
                "sha256": document.sha256,
            },
        )
    return document


def _customer_email(order: Order) -> str:
    if order.customer.email:
        return order.customer.email
    contact = order.customer.contacts.exclude(email="").order_by("pk").first()
    return contact.email if contact else ""


def _current_pi(order: Order) -> Document | None:
    return Document.objects.filter(order=order, kind=DocumentKind.PROFORMA_INVOICE).order_by("-version").first()


def pi_send(*, order_id, actor) -> Document:
    """Email the current PI to the customer with the request to confirm it on their status page.

    Refused when there is no PI yet or the customer has no email address. Each press sends one email (the
    customer may have lost the first)."""
    with transaction.atomic():
        order = order_lock(order_id=order_id)
        _require_edit(actor, order)
        if order.status in FINISHED:
            raise TransitionRefused(_("The order is finished; nothing can be recorded on it."))
        document = _current_pi(order)
        if document is None:
            raise InvalidInput(_("Make the PI first."))
        to_email = _customer_email(order)
        if not to_email:
            raise InvalidInput(_("The customer has no email address; send the PI another way."))
        with document.file.open("rb") as stored:
            content = stored.read()
        notification_enqueue(
            kind="pi_confirmation_request",
            reference=f"order:{order.pk}",
            to_email=to_email,
            reply_to=hooks.customer_reply_to(order),
            language=order.customer.preferred_language or settings.LANGUAGE_CODE,
            template="pi_confirmation_request",
            context={
                "order": order,
                "customer": order.customer,
                "document": document,
                "status_url": hooks.customer_status_url(order),
            },
            attachments=[OutgoingFile(document.original_name, content, PDF)],
        )
        events.event_stage(
            order,
            actor,
            stage=STAGE,
            action="pi_sent",
            note=wording.PI_SENT(version=document.version, to=to_email),
            payload={"document": document.pk, "version": document.version},
        )
    return document


def pi_confirm_online(*, order_id, document_id, contact: str) -> Confirmation:
    """The customer confirms the PI from their status link: records the order's confirmation with the PI's
    version and checksum. Only the order's current PI can be confirmed; confirming it again changes nothing."""
    contact = (contact or "").strip()
    if not contact:
        raise InvalidInput(_("Please give your name."))
    with transaction.atomic():
        order = order_lock(order_id=order_id)
        document = _current_pi(order)
        if document is None or document.pk != int(document_id):
            raise InvalidInput(_("This PI has been replaced by a newer version. Please read the current one."))
        already = pi_confirmation(order=order, document=document)
        if already is not None:
            return already
        return order_record_online_confirmation(
            order=order, contact=contact, document_version=document.version, document_sha256=document.sha256
        )


def pi_confirmation(*, order: Order, document: Document) -> Confirmation | None:
    return (
        Confirmation.objects.filter(
            order=order,
            method=ConfirmationMethod.PI_ONLINE,
            document_version=document.version,
            document_sha256=document.sha256,
        )
        .order_by("confirmed_at")
        .first()
    )


# --- the packing list ----------------------------------------------------------------------------------
def _packing_data(shipment: Shipment, *, version: int) -> pdf.PackingData:
    order = shipment.order
    lines = []
    first_carton = 1
    for line in shipment.lines.select_related("order_line", "order_line__unit", "order_line__product").order_by(
        "order_line__line_no"
    ):
        order_line = line.order_line
        item = " ".join(
            part for part in (order_line.product.style_no if order_line.product else "", order_line.description) if part
        )
        carton_range = ""
        if line.cartons:
            last = first_carton + line.cartons - 1
            carton_range = f"{first_carton}–{last}" if last > first_carton else str(first_carton)
            first_carton = last + 1
        lines.append(
            pdf.PackingLine(
                no=order_line.line_no,
                item=item,
                quantity=line.quantity,
                unit=order_line.unit.code,
                cartons=line.cartons,
                per_carton=line.per_carton,
                net_kg=line.net_kg,
                gross_kg=line.gross_kg,
                carton_range=carton_range,
            )
        )
    return pdf.PackingData(
        number=f"PL-{shipment.reference}-v{version}",
        version=version,
        issued=timezone.localdate(),
        shipment=shipment.reference,
        order_number=order.display_number,
        customer_po=order.customer_po,
        buyer=_both(order.customer),
        ship_to=order.ship_to,
        carrier=_both(shipment.carrier),
        mode=str(shipment.get_mode_display()),
        tracking=shipment.tracking_number,
        ship_date=shipment.ship_date,
        eta=shipment.eta,
        lines=lines,
    )


def _packing_list_create(*, order: Order, shipment: Shipment, actor) -> Document:
    """Inside a transaction that holds the order's lock."""
    shipment.order = order
    version = _next_version(order=order, kind=DocumentKind.PACKING_LIST, shipment=shipment)
    data = _packing_data(shipment, version=version)
    content = pdf.render_packing_list(data, letterhead())
    document = _store(
        order=order,
        kind=DocumentKind.PACKING_LIST,
        shipment=shipment,
        version=version,
        content=content,
        name=f"{data.number}.pdf",
        actor=actor,
    )
    totals = pdf.packing_totals(data.lines)
    events.event_stage(
        order,
        actor,
        stage=STAGE,
        action="packing_list_generated",
        note=wording.PACKING_LIST_GENERATED(
            ref=shipment.reference, version=version, cartons=totals["cartons"], gross=pdf.number(totals["gross_kg"])
        ),
        payload={
            "document": document.pk,
            "name": document.original_name,
            "version": version,
            "sha256": document.sha256,
        },
    )
    return document


def packing_list_generate(*, shipment_id, actor) -> Document:
    """Draw a shipment's packing list from its lines as they stand, as its next version."""
    with transaction.atomic():
        order_id = Shipment.objects.filter(pk=shipment_id).values_list("order_id", flat=True).first()
        if order_id is None:
            raise InvalidInput(_("This shipment no longer exists."))
        order = order_lock(order_id=order_id)
        _require_edit(actor, order)
        shipment = Shipment.objects.select_related("carrier").get(pk=shipment_id)
        return _packing_list_create(order=order, shipment=shipment, actor=actor)


def packing_list_for_notice(shipment: Shipment, actor) -> list[OutgoingFile]:
    """The packing list sent with the customer's shipment notice (logistics.services.shipment_create, whose
    transaction holds the order's lock): made now, stored as the shipment's first version. None when
    settings.DOCUMENTS_PACKING_LIST_IN_NOTICE is off."""
    if not settings.DOCUMENTS_PACKING_LIST_IN_NOTICE:
        return []
    document = _packing_list_create(order=shipment.order, shipment=shipment, actor=actor)
    with document.file.open("rb") as stored:
        return [OutgoingFile(document.original_name, stored.read(), PDF)]
