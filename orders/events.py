"""One small factory per kind of event, so every line of the work record has the same shape.

`note` is what a person typed, kept as typed, or a system note (orders.event_wording.SystemNote), kept as
its code and parameters and worded when read, in the reader's language."""

from contextlib import contextmanager
from contextvars import ContextVar

from .event_wording import SystemNote
from .models import EventType, Order, OrderEvent

Note = str | SystemNote

# While `events_deferred` runs, the events are kept here and written together at its end.
_DEFERRED: ContextVar[list | None] = ContextVar("orders_events_deferred", default=None)


@contextmanager
def events_deferred(batch_size: int = 1000):
    """Write every event made inside in one bulk insert at the end, in the order they were made: for a
    service creating many orders at once (the go-live import). Their time is when each was made, as
    without it; an exception inside writes none. The events made inside have no id until the end."""
    pending: list[OrderEvent] = []
    token = _DEFERRED.set(pending)
    try:
        yield pending
    finally:
        _DEFERRED.reset(token)
    OrderEvent.objects.bulk_create(pending, batch_size=batch_size)


def _event(order: Order, type_: str, actor=None, *, note: Note = "", payload=None, **states) -> OrderEvent:
    payload = dict(payload or {})
    if isinstance(note, SystemNote):
        payload.update(note_code=note.code, note_params=note.params)
        note = note.typed
    event = OrderEvent(
        order=order,
        type=type_,
        actor=actor,
        note=note,
        payload=payload,
        from_state=states.get("from_state", ""),
        to_state=states.get("to_state", ""),
    )
    pending = _DEFERRED.get()
    if pending is None:
        event.save(force_insert=True)
    else:
        pending.append(event)
    return event


def event_created(order, actor, *, channel: str) -> OrderEvent:
    return _event(order, EventType.CREATED, actor, payload={"channel": channel}, to_state=order.status)


def event_imported(order, actor, *, payload: dict) -> OrderEvent:
    """The order came in at go-live already in its state (golive.services): the one event that says so,
    with what the file said of its history."""
    return _event(order, EventType.IMPORTED, actor, payload=payload, to_state=order.status)


def event_transition(order, actor, *, name: str, from_state: str, note: Note = "", payload=None) -> OrderEvent:
    return _event(
        order,
        EventType.TRANSITION,
        actor,
        note=note,
        payload={"transition": name, **(payload or {})},
        from_state=from_state,
        to_state=order.status,
    )


def event_checked(order, actor, *, item, checked: bool) -> OrderEvent:
    kind = EventType.CHECKED if checked else EventType.UNCHECKED
    payload = {"item": item.code, "label_zh": item.label_zh, "label_en": item.label_en}
    return _event(order, kind, actor, payload=payload)


def event_confirmation(
    order, actor, *, method: str, contact: str, confirmation_id: int, document: dict | None = None
) -> OrderEvent:
    return _event(
        order,
        EventType.CONFIRMATION_RECORDED,
        actor,
        payload={"method": method, "contact": contact, "confirmation": confirmation_id, **(document or {})},
    )


def event_number(order, actor) -> OrderEvent:
    return _event(order, EventType.NUMBER_ASSIGNED, actor, payload={"number": order.number})


def event_fields_changed(order, actor, *, changes: list[dict], reason: str, correction: bool) -> OrderEvent:
    kind = EventType.CORRECTION if correction else EventType.FIELDS_CHANGED
    return _event(order, kind, actor, note=reason, payload={"changes": changes})


def event_attachment(order, actor, *, name: str, kind: str) -> OrderEvent:
    return _event(order, EventType.ATTACHMENT_ADDED, actor, payload={"name": name, "kind": kind})


def event_reassigned(order, actor, *, from_user, to_user, reason: str) -> OrderEvent:
    return _event(
        order,
        EventType.REASSIGNED,
        actor,
        note=reason,
        payload={"from": from_user.get_username(), "to": to_user.get_username()},
    )


def event_held(order, actor, *, reason: str) -> OrderEvent:
    return _event(order, EventType.HELD, actor, note=reason, payload={"since": order.held_since.isoformat()})


def event_released(order, actor, *, note: str, reason: str, since) -> OrderEvent:
    return _event(
        order,
        EventType.RELEASED,
        actor,
        note=note,
        payload={"reason": reason, "since": since.isoformat() if since else ""},
    )


def event_flags(order, actor, *, changes: dict) -> OrderEvent:
    return _event(order, EventType.FLAGS_CHANGED, actor, payload=changes)


def event_stage(order, actor, *, stage: str, action: str, note: Note = "", payload=None) -> OrderEvent:
    """A record written by a stage app (production check-in, shipment, case...)."""
    return _event(
        order,
        EventType.STAGE,
        actor,
        note=note,
        payload={"stage": stage, "action": action, **(payload or {})},
    )


def event_comment(order, actor, *, comment_id: int, text: str, mentions: list[str], file_name: str = "") -> OrderEvent:
    """A comment in the order's thread (orders.services.discussion): the text as typed, whom it named."""
    payload = {"comment": comment_id, "mentions": mentions, **({"name": file_name} if file_name else {})}
    return _event(order, EventType.COMMENT, actor, note=text, payload=payload)


def event_promise(order, actor, *, type_: str, promise, note: Note = "", answer: str = "") -> OrderEvent:
    """A step of the promise ledger (orders.services.promises): proposed, approved, rejected, answered."""
    payload = {
        "promise": promise.pk,
        "from": promise.previous_date.isoformat() if promise.previous_date else "",
        "to": promise.delivery_date.isoformat(),
        "reason": promise.reason_code,
        "customer_caused": promise.customer_caused,
        **({"answer": answer} if answer else {}),
    }
    return _event(order, type_, actor, note=note, payload=payload)
