"""Logistics writes. Each function is one transaction with its audit event on the order's timeline.

Shipping drives the order: when the last quantity ships, the order moves to shipped; when the last
shipment is delivered, it moves to after-sales. Both through orders.services.order_transition, so the
state change is recorded like any other. The customer's email is written to the outbox in the same
transaction, and goes out after commit.
"""

import logging
import mimetypes
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import PurePath

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import InvalidInput, NotPermitted, TransitionRefused
from notifications.services import notification_enqueue
from orders import events, hooks
from orders.event_wording import both_names
from orders.models import Order, OrderState
from orders.permissions import can_edit
from orders.services import order_lock, order_transition
from orders.services.records import attachment_validate

from . import wording
from .models import Carrier, DocumentKind, Shipment, ShipmentDocument, ShipmentLine, ShipmentMode, StatusLink
from .selectors import (
    everything_shipped,
    last_delivery_date,
    next_shipment_seq,
    quantity_text,
    service_period_end,
    shipped_quantities,
    status_link_expires_at,
    status_link_url,
)

logger = logging.getLogger(__name__)
STAGE = "logistics"


@dataclass
class LinePacking:
    """How one line of a shipment is packed, as the packing list shows it. Every part is optional."""

    cartons: int | None = None
    per_carton: Decimal | None = None
    net_kg: Decimal | None = None
    gross_kg: Decimal | None = None


@dataclass
class ShipmentInput:
    carrier: Carrier
    mode: str
    ship_date: date
    eta: date
    quantities: dict = field(default_factory=dict)  # order line id -> quantity shipped now
    tracking_number: str = ""
    notes: str = ""
    documents: list = field(default_factory=list)  # (DocumentKind, uploaded file)
    packing: dict = field(default_factory=dict)  # order line id -> LinePacking


# Files sent with the customer's shipment notice, from the apps above logistics (documents: the packing
# list). A source is fn(shipment, actor) -> list of notifications.services.OutgoingFile; it runs inside
# shipment_create's transaction, after the shipment's lines are written.
_notice_files: list[Callable] = []


def register_shipment_notice_files(source: Callable) -> None:
    if source not in _notice_files:
        _notice_files.append(source)


def _shipment_notice_files(shipment: Shipment, actor) -> list:
    return [file for source in _notice_files for file in source(shipment, actor)]


def _require_edit(actor, order: Order) -> None:
    if actor is None or not can_edit(actor, order):
        raise NotPermitted(_("You are not allowed to change order %(order)s.") % {"order": order.display_number})


def _quantity(value) -> Decimal | None:
    try:
        number = Decimal(str(value).strip() or "0")
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _validate_documents(documents) -> list[str]:
    problems = []
    for kind, uploaded in documents:
        if kind not in DocumentKind.values:
            problems.append(_("Unknown document kind."))
            continue
        try:
            attachment_validate(uploaded)
        except InvalidInput as error:
            problems.append(f"{uploaded.name}: {error.message}")
    return problems


def _validate_shipment(order: Order, data: ShipmentInput) -> tuple[list[str], dict]:
    """Every problem at once, so the form shows them together. Returns (problems, quantities by line)."""
    problems = []
    if data.carrier is None or not data.carrier.active:
        problems.append(_("Choose an active carrier."))
    if data.mode not in ShipmentMode.values:
        problems.append(_("Choose how the goods travel."))
    if data.mode in settings.LOGISTICS_TRACKED_MODES and not data.tracking_number.strip():
        problems.append(
            _("A %(mode)s shipment needs a tracking number (B/L, air waybill or courier number).")
            % {"mode": ShipmentMode(data.mode).label.lower()}
        )
    received = timezone.localdate(order.received_at)
    today = timezone.localdate()
    if data.ship_date is None or data.eta is None:
        problems.append(_("Give the ship date and the estimated arrival."))
    else:
        if data.ship_date < received:
            problems.append(_("The ship date cannot be before the order was received (%(date)s).") % {"date": received})
        if data.ship_date > today:
            problems.append(_("The ship date cannot be in the future: record the shipment once it has left."))
        if data.eta < data.ship_date:
            problems.append(_("The estimated arrival cannot be before the ship date."))

    lines = {line.pk: line for line in order.lines.all()}
    already = shipped_quantities(order=order)
    quantities = {}
    for raw_id, raw_qty in data.quantities.items():
        try:
            line = lines[int(raw_id)]
        except (KeyError, ValueError, TypeError):
            problems.append(_("A line that does not belong to this order was given."))
            continue
        qty = _quantity(raw_qty)
        if qty is None:
            problems.append(_("Line %(n)d: the quantity is not a number.") % {"n": line.line_no})
            continue
        if qty == 0:
            continue
        if qty < 0:
            problems.append(_("Line %(n)d: the quantity cannot be negative.") % {"n": line.line_no})
            continue
        if qty != qty.quantize(Decimal("0.01")):
            problems.append(_("Line %(n)d: use at most two decimals.") % {"n": line.line_no})
            continue
        shipped = already.get(line.pk, Decimal("0"))
        if shipped + qty > line.quantity:
            problems.append(
                _(
                    "Line %(n)d: shipping %(qty)s would exceed the ordered %(ordered)s "
                    "(%(shipped)s already shipped, %(left)s left)."
                )
                % {
                    "n": line.line_no,
                    "qty": quantity_text(qty),
                    "ordered": quantity_text(line.quantity),
                    "shipped": quantity_text(shipped),
                    "left": quantity_text(line.quantity - shipped),
                }
            )
            continue
        quantities[line] = qty
        problems += _packing_problems(line, qty, data.packing.get(line.pk) or data.packing.get(str(line.pk)))
    if not quantities and not problems:
        problems.append(_("Enter the quantity shipped for at least one line."))
    problems += _validate_documents(data.documents)
    return problems, quantities


def _packing_problems(line, qty: Decimal, packing: LinePacking | None) -> list[str]:
    if packing is None:
        return []
    problems = []
    n = line.line_no
    for value in (packing.per_carton, packing.net_kg, packing.gross_kg):
        if value is not None and (value < 0 or value != value.quantize(Decimal("0.01"))):
            problems.append(
                _("Line %(n)d: weights and quantities per carton are positive, with two decimals.") % {"n": n}
            )
            break
    if packing.cartons is not None and packing.cartons < 1:
        problems.append(_("Line %(n)d: give at least one carton, or leave the cartons empty.") % {"n": n})
    elif packing.cartons and packing.per_carton and packing.cartons * packing.per_carton < qty:
        problems.append(
            _("Line %(n)d: %(cartons)d cartons of %(per)s hold less than the %(qty)s shipped.")
            % {"n": n, "cartons": packing.cartons, "per": quantity_text(packing.per_carton), "qty": quantity_text(qty)}
        )
    if packing.net_kg is not None and packing.gross_kg is not None and packing.gross_kg < packing.net_kg:
        problems.append(_("Line %(n)d: the gross weight cannot be below the net weight.") % {"n": n})
    return problems


def _document_add(*, shipment: Shipment, kind: str, uploaded, actor) -> ShipmentDocument:
    attachment_validate(uploaded)
    name = PurePath(uploaded.name).name[:255]
    return ShipmentDocument.objects.create(
        shipment=shipment,
        kind=kind,
        file=uploaded,
        original_name=name,
        content_type=mimetypes.guess_type(name)[0] or "application/octet-stream",
        size=uploaded.size,
        uploaded_by=actor,
    )


def _packing_fields(data: ShipmentInput, line) -> dict:
    packing = data.packing.get(line.pk) or data.packing.get(str(line.pk)) or LinePacking()
    return {
        "cartons": packing.cartons,
        "per_carton": packing.per_carton,
        "net_kg": packing.net_kg,
        "gross_kg": packing.gross_kg,
    }


def _customer_email(order: Order) -> str:
    customer = order.customer
    if customer.email:
        return customer.email
    contact = customer.contacts.exclude(email="").order_by("pk").first()
    return contact.email if contact else ""


def _notify_customer(
    order: Order, *, kind: str, template: str, dedupe_key: str, context: dict, actor, files=()
) -> None:
    """Write the customer's email to the outbox (same transaction). Without an address, say so on the
    timeline instead, so the merchandiser knows to tell the customer another way."""
    to_email = _customer_email(order)
    if not to_email:
        events.event_stage(
            order,
            actor,
            stage=STAGE,
            action="notification_skipped",
            note=wording.NO_CUSTOMER_EMAIL(),
            payload={"kind": kind},
        )
        return
    notification_enqueue(
        kind=kind,
        reference=f"order:{order.pk}",
        to_email=to_email,
        reply_to=hooks.customer_reply_to(order),
        language=order.customer.preferred_language or settings.LANGUAGE_CODE,
        template=template,
        context={"order": order, "customer": order.customer, "status_url": status_link_for_notice(order), **context},
        dedupe_key=dedupe_key,
        attachments=files() if callable(files) else files,
    )


def shipment_create(*, order_id, actor, data: ShipmentInput) -> Shipment:
    """Record a shipment of some or all remaining quantities.

    Guarantees: over-shipment, a missing tracking number for a tracked mode, dates before the order or
    a bad file are refused and nothing is saved. On success the shipment, its lines and documents, a
    timeline event and the customer's email (outbox) are written together; if this shipment completes
    the order, the order moves to shipped in the same transaction.
    """
    with transaction.atomic():
        order = order_lock(order_id=order_id)
        _require_edit(actor, order)
        if order.status != OrderState.IN_PRODUCTION:
            raise TransitionRefused(
                _("Shipments can be recorded only while the order is in production (it is %(state)s).")
                % {"state": order.get_status_display()}
            )
        if order.is_on_hold:  # nothing leaves for a customer who paused the order, partly or whole
            raise TransitionRefused(
                _("Order %(order)s is on hold (%(reason)s). Release it first.")
                % {"order": order.display_number, "reason": order.hold_reason}
            )
        problems, quantities = _validate_shipment(order, data)
        if problems:
            raise InvalidInput(_("The shipment could not be saved."), reasons=problems)

        shipment = Shipment.objects.create(
            order=order,
            seq=next_shipment_seq(order=order),
            carrier=data.carrier,
            mode=data.mode,
            tracking_number=data.tracking_number.strip(),
            ship_date=data.ship_date,
            eta=data.eta,
            notes=data.notes.strip(),
            created_by=actor,
        )
        ShipmentLine.objects.bulk_create(
            [
                ShipmentLine(shipment=shipment, order_line=line, quantity=qty, **_packing_fields(data, line))
                for line, qty in quantities.items()
            ]
        )
        for kind, uploaded in data.documents:
            _document_add(shipment=shipment, kind=kind, uploaded=uploaded, actor=actor)
        complete = everything_shipped(order=order)
        events.event_stage(
            order,
            actor,
            stage=STAGE,
            action="shipped",
            note=wording.SHIPPED(
                ref=shipment.reference,
                carrier=both_names(data.carrier),
                tracking=shipment.tracking_number or "—",
                eta=shipment.eta,
            ),
            payload={
                "shipment": shipment.pk,
                "reference": shipment.reference,
                "mode": shipment.mode,
                "tracking": shipment.tracking_number,
                "lines": {str(line.line_no): quantity_text(qty) for line, qty in quantities.items()},
                "complete": complete,
            },
        )
        _notify_customer(
            order,
            kind="shipment_shipped",
            template="shipment_shipped",
            dedupe_key=f"shipment:{shipment.pk}:shipped",
            context={
                "shipment": shipment,
                "lines": list(shipment.lines.select_related("order_line", "order_line__unit", "order_line__product")),
                "complete": complete,
            },
            actor=actor,
            files=lambda: _shipment_notice_files(shipment, actor),  # only when there is someone to send to
        )
        hooks.customer_event("order.shipped", order, subject=shipment)
        if complete:
            order_transition(
                order_id=order.pk,
                name="ship",
                actor=actor,
                note=wording.ALL_SHIPPED(ref=shipment.reference),
                payload={"shipment": shipment.pk, "by": STAGE},
            )
    return shipment


@dataclass
class ShipmentToImport:
    """What had shipped before go-live of one order: `quantities` maps order line -> quantity shipped so far."""

    order: Order
    carrier: Carrier
    ship_date: date
    quantities: dict


def shipments_record_imported(*, items: list[ShipmentToImport], actor) -> list[Shipment]:
    """Record what had shipped before go-live, for orders the go-live import (golive.services) is creating
    in their state: one shipment per order, its first, in a few inserts for all of them.

    Unlike shipment_create it moves no state (the import sets it), writes no customer email (the customer
    was told at the time) and checks no permission: the import service checks it for the whole file. The
    caller runs it inside its transaction, holding the new orders. The ETA is unknown: the ship date.
    """
    notes = _("Shipped before go-live; imported.")
    shipments = [
        Shipment(
            order=item.order,
            seq=1,  # a new order has no shipment yet
            carrier=item.carrier,
            mode=item.carrier.default_mode or ShipmentMode.SEA,
            ship_date=item.ship_date,
            eta=item.ship_date,
            notes=notes,
            created_by=actor,
        )
        for item in items
    ]
    Shipment.objects.bulk_create(shipments)
    ShipmentLine.objects.bulk_create(
        [
            ShipmentLine(shipment=shipment, order_line=line, quantity=qty)
            for shipment, item in zip(shipments, items, strict=True)
            for line, qty in item.quantities.items()
            if qty > 0
        ],
        batch_size=1000,
    )
    for shipment, item in zip(shipments, items, strict=True):
        events.event_stage(
            item.order,
            actor,
            stage=STAGE,
            action="shipped",
            note=wording.SHIPPED(
                ref=shipment.reference, carrier=both_names(item.carrier), tracking="—", eta=shipment.eta
            ),
            payload={
                "shipment": shipment.pk,
                "reference": shipment.reference,
                "mode": shipment.mode,
                "tracking": "",
                "lines": {str(line.line_no): quantity_text(qty) for line, qty in item.quantities.items() if qty > 0},
                "imported": True,
            },
        )
    return shipments


def shipment_confirm_delivery(
    *, shipment_id, actor, delivered_on: date, received_by: str = "", note: str = "", proof=None
) -> Shipment:
    """Confirm that a shipment reached the customer, with the proof of delivery if there is one.

    When this is the last shipment to arrive and everything has shipped, the order moves to after-sales
    (its service period starts) and the customer is invited to rate the order on the status page.
    """
    with transaction.atomic():
        order_id = Shipment.objects.filter(pk=shipment_id).values_list("order_id", flat=True).first()
        if order_id is None:
            raise InvalidInput(_("This shipment no longer exists."))
        order = order_lock(order_id=order_id)
        _require_edit(actor, order)
        shipment = Shipment.objects.select_for_update(of=("self",)).select_related("carrier").get(pk=shipment_id)
        shipment.order = order
        if shipment.delivered_on is not None:
            raise TransitionRefused(
                _("Delivery of %(ref)s is already confirmed (%(date)s).")
                % {"ref": shipment.reference, "date": shipment.delivered_on}
            )
        if order.status in (OrderState.CLOSED, OrderState.CANCELLED):
            raise TransitionRefused(_("The order is finished; nothing can be recorded on it."))
        problems = []
        if delivered_on is None:
            problems.append(_("Give the delivery date."))
        else:
            if delivered_on < shipment.ship_date:
                problems.append(
                    _("The delivery date cannot be before the ship date (%(date)s).") % {"date": shipment.ship_date}
                )
            if delivered_on > timezone.localdate():
                problems.append(_("The delivery date cannot be in the future."))
        if proof is not None:
            problems += _validate_documents([(DocumentKind.PROOF_OF_DELIVERY, proof)])
        if problems:
            raise InvalidInput(_("The delivery could not be confirmed."), reasons=problems)

        shipment.delivered_on = delivered_on
        shipment.received_by = received_by.strip()
        shipment.delivery_note = note.strip()
        shipment.delivery_recorded_by = actor
        shipment.delivery_recorded_at = timezone.now()
        shipment.save(
            update_fields=[
                "delivered_on",
                "received_by",
                "delivery_note",
                "delivery_recorded_by",
                "delivery_recorded_at",
            ]
        )
        if proof is not None:
            _document_add(shipment=shipment, kind=DocumentKind.PROOF_OF_DELIVERY, uploaded=proof, actor=actor)
        events.event_stage(
            order,
            actor,
            stage=STAGE,
            action="delivered",
            note=wording.DELIVERED(ref=shipment.reference, date=delivered_on),
            payload={
                "shipment": shipment.pk,
                "reference": shipment.reference,
                "delivered_on": delivered_on.isoformat(),
            },
        )
        hooks.customer_event("order.delivered", order, subject=shipment)
        last = last_delivery_date(order=order)
        if order.status == OrderState.SHIPPED and last is not None:
            order_transition(
                order_id=order.pk,
                name="begin_after_sales",
                actor=actor,
                note=wording.SERVICE_PERIOD(date=service_period_end(order=order)),
                payload={"delivered_on": last.isoformat(), "by": STAGE},
            )
            _notify_customer(
                order,
                kind="shipment_delivered",
                template="shipment_delivered",
                dedupe_key=f"order:{order.pk}:delivered",
                context={"delivered_on": last},
                actor=actor,
            )
    return shipment


def shipment_add_document(*, shipment_id, actor, kind: str, uploaded) -> ShipmentDocument:
    with transaction.atomic():
        order_id = Shipment.objects.filter(pk=shipment_id).values_list("order_id", flat=True).first()
        if order_id is None:
            raise InvalidInput(_("This shipment no longer exists."))
        order = order_lock(order_id=order_id)
        _require_edit(actor, order)
        problems = _validate_documents([(kind, uploaded)])
        if problems:
            raise InvalidInput(_("The document could not be saved."), reasons=problems)
        shipment = Shipment.objects.get(pk=shipment_id)
        shipment.order = order
        document = _document_add(shipment=shipment, kind=kind, uploaded=uploaded, actor=actor)
        events.event_stage(
            order,
            actor,
            stage=STAGE,
            action="document_added",
            note=wording.DOCUMENT_ADDED(kind=document.kind, ref=shipment.reference),
            payload={"shipment": shipment.pk, "document": document.pk, "name": document.original_name},
        )
    return document


# --- the customer's status link -----------------------------------------------------------------------
def _new_nonce() -> str:
    return secrets.token_urlsafe(18)


def status_link_ensure(*, order: Order) -> StatusLink:
    """The order's status link, created on first use. Safe under concurrency (one per order)."""
    link = StatusLink.objects.filter(order=order).first()
    if link is not None:
        return link
    try:
        with transaction.atomic():
            return StatusLink.objects.create(order=order, nonce=_new_nonce())
    except IntegrityError:
        return StatusLink.objects.get(order=order)


def status_link_for_notice(order: Order) -> str:
    """The status link's URL for a notice to the customer (orders.hooks.customer_status_url). Handed to
    the customer again: the link starts a new term (settings.STATUS_LINK_DAYS)."""
    link = status_link_ensure(order=order)
    StatusLink.objects.filter(pk=link.pk).update(issued_at=timezone.now())
    return status_link_url(link)


def status_link_create(*, order_id, actor) -> StatusLink:
    with transaction.atomic():
        order = order_lock(order_id=order_id)
        _require_edit(actor, order)
        return status_link_ensure(order=order)


def status_link_revoke(*, order_id, actor) -> StatusLink:
    """Revoke every link handed out so far: a new nonce replaces the old one, so old tokens now 404.
    The new link is shown to staff, to pass on when they choose."""
    with transaction.atomic():
        order = order_lock(order_id=order_id)
        _require_edit(actor, order)
        link = StatusLink.objects.select_for_update().filter(order=order).first()
        if link is None:
            raise InvalidInput(_("This order has no status link yet."))
        link.nonce = _new_nonce()
        link.rotated_at = link.issued_at = timezone.now()
        link.revocations += 1
        link.save(update_fields=["nonce", "rotated_at", "issued_at", "revocations"])
        events.event_stage(
            order,
            actor,
            stage=STAGE,
            action="status_link_revoked",
            note=wording.STATUS_LINK_REVOKED(),
        )
    return link


def status_link_renew(*, order_id, actor) -> StatusLink:
    """Give the link a new term of settings.STATUS_LINK_DAYS from now, expired or not. The token stays the
    same, so every copy the customer already has works again; one event on the order's timeline."""
    with transaction.atomic():
        order = order_lock(order_id=order_id)
        _require_edit(actor, order)
        link = StatusLink.objects.select_for_update().filter(order=order).first()
        if link is None:
            raise InvalidInput(_("This order has no status link yet."))
        link.issued_at = timezone.now()
        link.save(update_fields=["issued_at"])
        expires = status_link_expires_at(link)
        events.event_stage(
            order,
            actor,
            stage=STAGE,
            action="status_link_renewed",
            note=_("The customer's status link was renewed until %(date)s.")
            % {"date": timezone.localdate(expires).isoformat() if expires else "—"},
            payload={"expires_at": expires.isoformat() if expires else None},
        )
    return link


def status_link_record_view(*, link: StatusLink) -> None:
    """Note when the customer last opened the page: at most one write per ten minutes per link."""
    now = timezone.now()
    if link.last_viewed_at and now - link.last_viewed_at < timezone.timedelta(minutes=10):
        return
    StatusLink.objects.filter(pk=link.pk).update(last_viewed_at=now)


# --- carriers (master data) ----------------------------------------------------------------------------
def carrier_save(*, carrier: Carrier, actor) -> Carrier:
    url = carrier.tracking_url.strip()
    if url and (not url.startswith("https://") or "{tracking}" not in url):
        raise InvalidInput(_("The tracking link must start with https:// and contain {tracking}."))
    carrier.tracking_url = url
    carrier.code = carrier.code.strip().lower()
    try:
        with transaction.atomic():
            carrier.save()
    except IntegrityError as exc:
        raise InvalidInput(_("Another carrier already uses this code.")) from exc
    logger.info("carrier %s saved by %s", carrier.code, actor)
    return carrier
