"""Recording the work on an order: checklist ticks, confirmations, attachments, edits, handovers, flags."""

import mimetypes
from pathlib import PurePath

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import Role, has_role
from core.dates import date_rule_error
from core.errors import InvalidInput, NotPermitted, TransitionRefused
from notifications.services import notify

from .. import events
from ..models import (
    STAFF_CONFIRMATION_METHODS,
    Attachment,
    ChecklistItem,
    Confirmation,
    ConfirmationMethod,
    Handover,
    Order,
    OrderCheck,
    OrderState,
)
from ..permissions import can_edit, can_reassign, can_receive_handover
from .workflow import order_check_version, order_lock

ALLOWED_ATTACHMENT_SUFFIXES = {
    ".pdf",
    ".png",
    ".jpg",
    ".jpeg",
    ".gif",
    ".eml",
    ".msg",
    ".txt",
    ".csv",
    ".xlsx",
    ".xls",
    ".docx",
    ".doc",
    ".zip",
}


def _require_edit(actor, order: Order) -> None:
    if not can_edit(actor, order):
        raise NotPermitted(_("You are not allowed to change order %(order)s.") % {"order": order.display_number})


def _bump(order: Order, *fields: str) -> None:
    order.version += 1
    order.save(update_fields=["version", *fields])


def order_check_item(*, order_id, item_id, actor, checked: bool, expected_version=None) -> Order:
    """Tick or clear a verification item. Only while the order is still being verified (received)."""
    with transaction.atomic():
        order = order_lock(order_id=order_id)
        order_check_version(order, expected_version)
        _require_edit(actor, order)
        if order.status != OrderState.RECEIVED:
            raise TransitionRefused(_("The checklist is closed once the order is confirmed."))
        try:
            item = ChecklistItem.objects.get(pk=item_id, active=True)
        except (ChecklistItem.DoesNotExist, ValueError, TypeError) as exc:
            raise InvalidInput(_("Unknown checklist item.")) from exc
        existing = OrderCheck.objects.filter(order=order, item=item)
        if checked and not existing.exists():
            OrderCheck.objects.create(order=order, item=item, checked_by=actor)
        elif not checked and existing.exists():
            existing.delete()
        else:
            return order  # already as asked: nothing to record
        _bump(order)
        events.event_checked(order, actor, item=item, checked=checked)
    return order


def order_check_all(*, order_id, actor, expected_version=None) -> Order:
    """Tick every active verification item not yet ticked, in one transaction under one lock. Each item is
    recorded as a single tick records it: its own row with who and when, and its own "ticked" event, so the
    work record reads the same as ticking them one by one. The version moves once."""
    with transaction.atomic():
        order = order_lock(order_id=order_id)
        order_check_version(order, expected_version)
        _require_edit(actor, order)
        if order.status != OrderState.RECEIVED:
            raise TransitionRefused(_("The checklist is closed once the order is confirmed."))
        ticked = OrderCheck.objects.filter(order=order).values("item_id")
        items = list(ChecklistItem.objects.filter(active=True).exclude(pk__in=ticked).order_by("sequence", "code"))
        if not items:
            return order  # already all ticked: nothing to record
        now = timezone.now()
        OrderCheck.objects.bulk_create(
            [OrderCheck(order=order, item=item, checked_by=actor, checked_at=now) for item in items]
        )
        _bump(order)
        for item in items:
            events.event_checked(order, actor, item=item, checked=True)
    return order


def attachment_validate(uploaded) -> None:
    suffix = PurePath(uploaded.name or "").suffix.lower()
    if suffix not in ALLOWED_ATTACHMENT_SUFFIXES:
        raise InvalidInput(
            _("Files of type “%(suffix)s” are not accepted. Allowed: %(allowed)s")
            % {"suffix": suffix or "?", "allowed": ", ".join(sorted(ALLOWED_ATTACHMENT_SUFFIXES))}
        )
    if uploaded.size > settings.ATTACHMENT_MAX_BYTES:
        raise InvalidInput(
            _("The file is too large (%(size)d MB). The limit is %(limit)d MB.")
            % {
                "size": uploaded.size // (1024 * 1024),
                "limit": settings.ATTACHMENT_MAX_BYTES // (1024 * 1024),
            }
        )
    if uploaded.size == 0:
        raise InvalidInput(_("The file is empty."))


def attachment_add(*, order: Order, uploaded, kind: str, actor) -> Attachment:
    """Store a file on an order. Call inside the transaction of whatever it belongs to."""
    attachment_validate(uploaded)
    name = PurePath(uploaded.name).name[:255]
    attachment = Attachment.objects.create(
        order=order,
        kind=kind,
        file=uploaded,
        original_name=name,
        content_type=mimetypes.guess_type(name)[0] or "application/octet-stream",
        size=uploaded.size,
        uploaded_by=actor,
    )
    events.event_attachment(order, actor, name=name, kind=kind)
    return attachment


def order_attachment_add(*, order_id, actor, uploaded, kind: str, expected_version=None) -> Attachment:
    with transaction.atomic():
        order = order_lock(order_id=order_id)
        order_check_version(order, expected_version)
        _require_edit(actor, order)
        attachment = attachment_add(order=order, uploaded=uploaded, kind=kind, actor=actor)
        _bump(order)
    return attachment


def order_record_confirmation(
    *,
    order_id,
    actor,
    method: str,
    contact: str,
    confirmed_at,
    note: str = "",
    uploaded=None,
    expected_version=None,
) -> Confirmation:
    """Record how and when the customer confirmed (订单确认)."""
    with transaction.atomic():
        order = order_lock(order_id=order_id)
        order_check_version(order, expected_version)
        _require_edit(actor, order)
        if order.status in (OrderState.CANCELLED, OrderState.CLOSED):
            raise TransitionRefused(_("The order is finished; nothing can be recorded on it."))
        if method not in STAFF_CONFIRMATION_METHODS:
            raise InvalidInput(_("Choose how the customer confirmed."))
        if confirmed_at > timezone.now():
            raise InvalidInput(_("The confirmation time cannot be in the future."))
        if confirmed_at < order.received_at - timezone.timedelta(days=1):
            raise InvalidInput(_("The confirmation time cannot be before the order was received."))
        attachment = None
        if uploaded is not None:
            attachment = attachment_add(order=order, uploaded=uploaded, kind="confirmation", actor=actor)
        confirmation = Confirmation.objects.create(
            order=order,
            method=method,
            contact=contact.strip(),
            confirmed_at=confirmed_at,
            note=note,
            attachment=attachment,
            recorded_by=actor,
        )
        _bump(order)
        events.event_confirmation(order, actor, method=method, contact=contact, confirmation_id=confirmation.pk)
    return confirmation


def order_record_online_confirmation(
    *, order: Order, contact: str, document_version: int, document_sha256: str
) -> Confirmation:
    """The customer confirmed a document of the order themselves, through their status link (the PI):
    no staff member recorded it. Call inside the transaction of the stage that holds the document, with
    the order locked; writes the confirmation and its one event."""
    if order.status in (OrderState.CANCELLED, OrderState.CLOSED):
        raise TransitionRefused(_("The order is finished; nothing can be recorded on it."))
    confirmation = Confirmation.objects.create(
        order=order,
        method=ConfirmationMethod.PI_ONLINE,
        contact=contact.strip()[:120],
        confirmed_at=timezone.now(),
        recorded_by=None,
        document_version=document_version,
        document_sha256=document_sha256,
    )
    _bump(order)
    events.event_confirmation(
        order,
        None,
        method=ConfirmationMethod.PI_ONLINE,
        contact=confirmation.contact,
        confirmation_id=confirmation.pk,
        document={"version": document_version, "sha256": document_sha256},
    )
    return confirmation


EDITABLE_ORDER_FIELDS = ("customer_po", "delivery_date", "trade_terms", "payment_terms", "ship_to", "notes")
EDITABLE_LINE_FIELDS = ("description", "colour", "size", "quantity", "unit_id", "unit_price", "product_id")


def _diff(obj, values: dict, fields, prefix="") -> list[dict]:
    changes = []
    for field in fields:
        if field not in values:
            continue
        old, new = getattr(obj, field), values[field]
        if old != new:
            changes.append({"field": prefix + field, "old": str(old), "new": str(new)})
            setattr(obj, field, new)
    return changes


def order_edit(
    *, order_id, actor, expected_version, header: dict, lines: dict | None = None, reason: str = ""
) -> Order:
    """Change an order's header and line values, keeping field history (old → new, who, when, why).

    Once the order is confirmed, any change is a correction: it needs a reason, and the accuracy KPI
    counts it. `lines` maps a line id to its new values.
    """
    with transaction.atomic():
        order = order_lock(order_id=order_id)
        order_check_version(order, expected_version)
        _require_edit(actor, order)
        if order.status in (OrderState.CANCELLED, OrderState.CLOSED):
            raise TransitionRefused(_("A finished order cannot be changed."))
        is_correction = order.status != OrderState.RECEIVED
        if is_correction and not reason.strip():
            raise InvalidInput(_("The order is already confirmed: give the reason for this correction."))

        moved = header.get("delivery_date", order.delivery_date)
        if moved != order.delivery_date and (problem := date_rule_error(moved)):
            raise InvalidInput(problem)
        changes = _diff(order, header, EDITABLE_ORDER_FIELDS)
        changed_lines = []
        for line in order.lines.filter(pk__in=list((lines or {}).keys())):
            line_changes = _diff(line, lines[line.pk], EDITABLE_LINE_FIELDS, prefix=f"line {line.line_no} ")
            if line_changes:
                changes += line_changes
                changed_lines.append(line)
        if not changes:
            return order
        for line in changed_lines:
            line._change_reason = reason
            line._history_user = actor
            line.save(update_fields=list(EDITABLE_LINE_FIELDS))
        order._change_reason = reason
        order._history_user = actor
        _bump(order, *EDITABLE_ORDER_FIELDS)
        events.event_fields_changed(order, actor, changes=changes, reason=reason, correction=is_correction)
    return order


def order_reassign(*, order_ids, to_user, actor, reason: str) -> int:
    """Hand orders over to another merchandiser (交接). Returns how many changed hands."""
    if not reason.strip():
        raise InvalidInput(_("Give a reason for the handover."))
    if not has_role(to_user, Role.MERCHANDISER) or not to_user.is_active:
        raise InvalidInput(_("Orders can only be handed to an active merchandiser."))
    if not can_receive_handover(actor, to_user):
        raise NotPermitted(_("Orders can only be handed to a merchandiser of your own team."))
    moved_from: dict = {}  # previous merchandiser → the orders they gave up
    with transaction.atomic():
        orders = (
            Order.objects.select_for_update(of=("self",)).select_related("merchandiser__team").filter(pk__in=order_ids)
        )
        for order in orders:
            if not can_reassign(actor, order):
                raise NotPermitted(
                    _("You can only hand over orders of your own team (%(order)s).") % {"order": order.display_number}
                )
            if order.merchandiser_id == to_user.pk or order.status in (
                OrderState.CLOSED,
                OrderState.CANCELLED,
            ):
                continue
            previous = order.merchandiser
            moved_from.setdefault(previous, []).append(order)
            order.merchandiser = to_user
            order._history_user = actor
            order._change_reason = reason
            _bump(order, "merchandiser")
            events.event_reassigned(order, actor, from_user=previous, to_user=to_user, reason=reason)
        for from_user, moved in moved_from.items():
            handover = Handover.objects.create(
                from_user=from_user, to_user=to_user, by=actor, reason=reason, order_count=len(moved)
            )
            _tell_handover(handover=handover, orders=moved)
    return sum(len(moved) for moved in moved_from.values())


def _tell_handover(*, handover: Handover, orders: list) -> None:
    """The merchandiser who receives orders hears of it in their inbox (and by email if they chose so)."""
    to_user = handover.to_user
    if to_user.pk == handover.by_id:
        return
    single = orders[0] if len(orders) == 1 else None
    link = reverse("orders:detail", kwargs={"pk": single.pk}) if single else reverse("orders:list")
    notify(
        user=to_user,
        kind="order_handover",
        link=link,
        reference=f"handover:{handover.pk}",
        template="order_handover",
        context={
            "order": single,
            "count": handover.order_count,
            "actor": handover.by,
            "from_user": handover.from_user,
            "reason": handover.reason,
        },
        email_context={"url": settings.SITE_URL.rstrip("/") + link},
        dedupe_key=f"handover:{handover.pk}",
    )


def order_set_flags(*, order_id, actor=None, **flags) -> Order:
    """Set the computed overdue / at-risk flags. Never touches the state. Writes an event only on change.
    On hold is a person's decision with a reason: order_hold / order_release."""
    allowed = {"is_overdue", "is_at_risk"}
    if set(flags) - allowed:
        raise InvalidInput(_("Unknown flag."))
    with transaction.atomic():
        order = order_lock(order_id=order_id)
        changes = {k: v for k, v in flags.items() if getattr(order, k) != v}
        if not changes:
            return order
        for key, value in changes.items():
            setattr(order, key, value)
        _bump(order, *changes.keys())
        events.event_flags(order, actor, changes=changes)
    return order
