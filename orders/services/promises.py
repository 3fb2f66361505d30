"""The promise ledger: propose a new delivery date, approve or reject it, record the customer's answer.

Every function locks the order, writes one event and keeps `Order.delivery_date` equal to the latest
approved promise. The first promise (the date the customer confirmed) is written on the first proposal if
the order has no ledger yet, so an order's ledger always starts with it.
"""

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.dates import date_rule_error
from core.errors import InvalidInput, NotPermitted, TransitionRefused

from .. import events, hooks
from ..models import CustomerAnswer, EventType, Order, OrderState, Promise, PromiseKind, PromiseStatus
from ..permissions import can_decide_promise, can_edit
from .records import attachment_add
from .workflow import order_check_version, order_lock

PROMISE_STATES = (OrderState.ENTERED, OrderState.IN_PRODUCTION)
ANSWER_MAX_CHARS = 2000


@dataclass(frozen=True)
class PromiseReason:
    """The reason code as the proposing stage defines it (production's delay reasons), in both languages."""

    code: str
    name_zh: str
    name_en: str
    customer_caused: bool = False


def _first(order: Order, actor) -> Promise:
    first = order.promises.filter(kind=PromiseKind.FIRST).first()
    if first is None:
        first = Promise.objects.create(
            order=order,
            sequence=1,
            kind=PromiseKind.FIRST,
            status=PromiseStatus.APPROVED,
            delivery_date=order.first_promise,
            proposed_by=order.created_by or order.merchandiser,
            proposed_at=order.confirmed_at or order.received_at,
        )
    return first


def _move_date(order: Order, promise: Promise, actor) -> None:
    """Make the promise the order's delivery date (field history keeps old → new with the reason)."""
    if not order.first_delivery_date:
        order.first_delivery_date = order.delivery_date
    order.delivery_date = promise.delivery_date
    # Both names: the field history is read by colleagues in either language.
    order._change_reason = f"{promise.reason_zh} / {promise.reason_en}" + (f": {promise.note}" if promise.note else "")
    order._history_user = actor
    order.version += 1
    order.save(update_fields=["delivery_date", "first_delivery_date", "version"])


def promise_propose(
    *,
    order_id,
    actor,
    new_date: date,
    reason: PromiseReason,
    note: str = "",
    evidence=None,
    expected_version=None,
) -> Promise:
    """Propose a new delivery date. Guarantees: the order is locked and its version checked; only its owner or
    the owner's supervisor proposes, while it is entered or in production, one proposal at a time. A reason
    the customer caused, with its evidence attached, is approved at once (the stages' approval actions run);
    any other waits for the owner's supervisor. One event: proposed, or approved."""
    if new_date < timezone.localdate():
        raise InvalidInput(_("The new promised date cannot be in the past."))
    if problem := date_rule_error(new_date):
        raise InvalidInput(problem)
    with transaction.atomic():
        order = order_lock(order_id=order_id)
        order_check_version(order, expected_version)
        if not can_edit(actor, order):
            raise NotPermitted(_("You are not allowed to change order %(order)s.") % {"order": order.display_number})
        if order.status not in PROMISE_STATES:
            raise TransitionRefused(_("Only an order that is entered or in production can get a new date."))
        if new_date == order.delivery_date:
            raise InvalidInput(_("The new delivery date is the same as the current one."))
        if order.promises.filter(status=PromiseStatus.PROPOSED).exists():
            raise TransitionRefused(_("A new date is already waiting for approval on this order."))
        first = _first(order, actor)
        attachment = attachment_add(order=order, uploaded=evidence, kind="other", actor=actor) if evidence else None
        last = order.promises.order_by("-sequence").values_list("sequence", flat=True).first() or first.sequence
        promise = Promise.objects.create(
            order=order,
            sequence=last + 1,
            delivery_date=new_date,
            previous_date=order.delivery_date,
            reason_code=reason.code,
            reason_zh=reason.name_zh,
            reason_en=reason.name_en,
            note=note.strip(),
            customer_caused=reason.customer_caused,
            evidence=attachment,
            proposed_by=actor,
        )
        if reason.customer_caused and attachment is not None:
            promise.status = PromiseStatus.APPROVED
            promise.decided_at = timezone.now()
            promise.save(update_fields=["status", "decided_at"])
            _move_date(order, promise, actor)
            events.event_promise(order, actor, type_=EventType.PROMISE_APPROVED, promise=promise, note=promise.note)
            hooks.run_promise_approved(promise, actor)
        else:
            order.version += 1
            order.save(update_fields=["version"])
            events.event_promise(order, actor, type_=EventType.PROMISE_PROPOSED, promise=promise, note=promise.note)
    return promise


def _lock_proposal(promise_id, actor) -> tuple[Order, Promise]:
    order_id = Promise.objects.filter(pk=promise_id).values_list("order_id", flat=True).first()
    if order_id is None:
        raise InvalidInput(_("This proposal no longer exists."))
    order = order_lock(order_id=order_id)
    promise = Promise.objects.select_for_update().get(pk=promise_id)
    promise.order = order
    if not can_decide_promise(actor, promise):
        raise NotPermitted(_("Only the supervisor of the owner's team can decide on this date, and not on their own."))
    if promise.status != PromiseStatus.PROPOSED:
        raise TransitionRefused(_("This new date has already been decided."))
    return order, promise


def promise_approve(*, promise_id, actor, note: str = "") -> Promise:
    """Approve a proposed date: it becomes the order's delivery date and the stages act on it (production
    re-plans and tells the customer). Guarantees: order and proposal locked, the decider is the owner's
    supervisor and not the proposer, one APPROVED event."""
    with transaction.atomic():
        order, promise = _lock_proposal(promise_id, actor)
        if order.status not in PROMISE_STATES:
            raise TransitionRefused(_("Only an order that is entered or in production can get a new date."))
        promise.status = PromiseStatus.APPROVED
        promise.decided_by, promise.decided_at, promise.decision_note = actor, timezone.now(), note.strip()
        promise.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        _move_date(order, promise, actor)
        events.event_promise(order, actor, type_=EventType.PROMISE_APPROVED, promise=promise, note=note.strip())
        hooks.run_promise_approved(promise, actor)
        if promise.previous_date is None or promise.delivery_date > promise.previous_date:
            hooks.customer_event("order.delayed", order, subject=promise)
    return promise


def promise_reject(*, promise_id, actor, note: str) -> Promise:
    """Reject a proposed date, with the reason the merchandiser reads in the work record. The order keeps its
    date. Same guarantees as promise_approve."""
    if not note.strip():
        raise InvalidInput(_("Say why the new date is rejected."))
    with transaction.atomic():
        order, promise = _lock_proposal(promise_id, actor)
        promise.status = PromiseStatus.REJECTED
        promise.decided_by, promise.decided_at, promise.decision_note = actor, timezone.now(), note.strip()
        promise.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        order.version += 1
        order.save(update_fields=["version"])
        events.event_promise(order, actor, type_=EventType.PROMISE_REJECTED, promise=promise, note=note.strip())
    return promise


def promise_customer_answer(*, order_id, promise_id, answer: str, text: str = "") -> Promise:
    """The customer accepts or questions a new date from the status link (no actor). Guarantees: only the
    order's latest approved change, answered once; a question carries the customer's words; one event."""
    text = (text or "").strip()
    if answer not in (CustomerAnswer.ACCEPTED, CustomerAnswer.QUESTIONED):
        raise InvalidInput(_("Choose whether you accept the new date."))
    if answer == CustomerAnswer.QUESTIONED and not text:
        raise InvalidInput(_("Please tell us what does not suit you about the new date."))
    if len(text) > ANSWER_MAX_CHARS:
        raise InvalidInput(_("Please keep your answer under %(limit)d characters.") % {"limit": ANSWER_MAX_CHARS})
    with transaction.atomic():
        order = order_lock(order_id=order_id)
        promise = (
            Promise.objects.select_for_update()
            .filter(order=order, kind=PromiseKind.CHANGE, status=PromiseStatus.APPROVED)
            .order_by("-sequence")
        ).first()
        if promise is None or str(promise.pk) != str(promise_id) or not promise.awaits_customer:
            raise TransitionRefused(_("This date is no longer waiting for your answer."))
        promise.customer_answer = answer
        promise.customer_answer_text = text
        promise.customer_answered_at = timezone.now()
        promise.save(update_fields=["customer_answer", "customer_answer_text", "customer_answered_at"])
        events.event_promise(order, None, type_=EventType.PROMISE_ANSWERED, promise=promise, note=text, answer=answer)
    return promise
