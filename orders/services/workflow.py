"""The order's state machine in action: every transition is one function, one transaction, one event."""

from django.db import transaction
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from accounts.roles import Role, has_role
from core.errors import InvalidInput, NotPermitted, Stale, TransitionRefused

from .. import events, hooks
from ..models import Order, OrderState
from ..permissions import TRANSITIONS, can_transition
from ..selectors import checklist_missing
from .numbering import order_number_next

# Fields each transition method may write besides status and version.
_TRANSITION_FIELDS = {
    "confirm": ["confirmed_at", "first_delivery_date"],
    "enter": ["entered_at", "number"],
    "close": ["closed_at"],
    "cancel": ["closed_at", "cancel_reason"],
}


def order_lock(*, order_id) -> Order:
    """Fetch the order for writing. On PostgreSQL the row stays locked until the transaction ends."""
    try:
        return Order.objects.select_for_update(of=("self",)).select_related("merchandiser__team").get(pk=order_id)
    except Order.DoesNotExist as exc:
        raise InvalidInput(_("This order no longer exists.")) from exc


def order_check_version(order: Order, expected_version) -> None:
    if expected_version is None:
        return
    try:
        expected = int(expected_version)
    except (TypeError, ValueError):
        expected = None  # not a version this site wrote (a tampered form): treat the page as stale
    if expected != order.version:
        raise Stale(
            _(
                "Order %(order)s was changed by someone else while you were looking at it. "
                "The page now shows the current version; please check and try again."
            )
            % {"order": order.display_number}
        )


# Transitions that move a held order forward. Confirming what the customer agreed and cancelling stay open.
REFUSED_WHILE_HELD = ("enter", "start_production", "ship")


def held_refusal(order: Order, name: str) -> str | None:
    """Why `name` may not happen to `order` now, or None. The workflow asks before every transition."""
    if order.is_on_hold and name in REFUSED_WHILE_HELD:
        return _("Order %(order)s is on hold (%(reason)s). Release it first.") % {
            "order": order.display_number,
            "reason": order.hold_reason,
        }
    return None


def _core_guard_failures(order: Order, name: str, *, actor, reason: str) -> list[str]:
    failures = []
    if name == "confirm":
        missing = checklist_missing(order=order)
        if missing:
            failures.append(
                _("Tick every checklist item first. Missing: %(items)s")
                % {"items": ", ".join(str(item) for item in missing)}
            )
        if not order.confirmations.exists():
            failures.append(_("Record the customer's confirmation first."))
    if name in ("confirm", "enter") and not order.lines.exists():
        failures.append(_("The order has no lines."))
    if name == "cancel" and not reason.strip():
        failures.append(_("Give a reason for the cancellation."))
    return failures


def order_transition(
    *, order_id, name: str, actor, expected_version=None, note: events.Note = "", reason: str = "", payload=None
) -> Order:
    """Move an order along its state machine.

    Guarantees: the row is locked; a stale form, a wrong state, a missing permission or an unmet guard
    raises a domain error and changes nothing; on success the state, the version and exactly one
    transition event are written together. Cancelling a held order also ends the hold, with its RELEASED
    event. `actor=None` means the system (a stage service or a job).
    """
    if name not in TRANSITIONS:
        raise TransitionRefused(_("Unknown action."))
    with transaction.atomic():
        order = order_lock(order_id=order_id)
        order_check_version(order, expected_version)
        if actor is not None and not can_transition(actor, order, name):
            if name == "cancel" and order.status == OrderState.IN_PRODUCTION:
                raise NotPermitted(_("Only the team's supervisor can cancel an order that is in production."))
            raise NotPermitted(
                _("You are not allowed to do this to order %(order)s.") % {"order": order.display_number}
            )
        method = getattr(order, name)
        if not can_proceed(method):
            raise TransitionRefused(
                _("Order %(order)s is %(state)s now, so this action is no longer possible.")
                % {"order": order.display_number, "state": order.get_status_display()}
            )
        if held := held_refusal(order, name):
            raise TransitionRefused(held)
        failures = _core_guard_failures(order, name, actor=actor, reason=reason)
        failures += hooks.guard_failures(name, order, actor=actor)
        if failures:
            raise TransitionRefused(_("This action is not possible yet."), reasons=failures)

        from_state = order.status
        method()
        fields = ["status", "version", *_TRANSITION_FIELDS.get(name, [])]
        if name == "enter":
            order.number = order_number_next()
        if name == "cancel":
            order.cancel_reason = reason.strip()
        # A cancelled order is closed: a hold on it would only offer a Release that means nothing.
        ended_hold = (order.hold_reason, order.held_since) if name == "cancel" and order.is_on_hold else None
        if ended_hold:
            order.is_on_hold, order.hold_reason, order.held_since = False, "", None
            fields += ["is_on_hold", "hold_reason", "held_since"]
        order.version += 1
        order.save(update_fields=fields)
        events.event_transition(order, actor, name=name, from_state=from_state, note=note or reason, payload=payload)
        if name == "enter":
            events.event_number(order, actor)
        if ended_hold:
            events.event_released(order, actor, note="", reason=ended_hold[0], since=ended_hold[1])
            hooks.run_after("release", order, actor)
        hooks.run_after(name, order, actor)
        if name in hooks.TRANSITION_EVENTS:
            hooks.customer_event(hooks.TRANSITION_EVENTS[name], order)
    return order


def transitions_available(*, order: Order, user) -> list[dict]:
    """The actions to offer as buttons: the state allows them and the person may do them.
    Guards are not evaluated here: a button whose guard fails explains why when pressed."""
    available = []
    for name, rule in TRANSITIONS.items():
        if order.is_on_hold and name in REFUSED_WHILE_HELD:
            continue  # the hold banner offers Release instead
        if can_proceed(getattr(order, name)) and can_transition(user, order, name):
            available.append({"name": name, "label": rule.label, "style": rule.style})
    return available


# The transition that moves an order in each state on to the next stage: the order page's next step.
FORWARD = {
    OrderState.RECEIVED: "confirm",
    OrderState.CONFIRMED: "enter",
    OrderState.ENTERED: "start_production",
    OrderState.IN_PRODUCTION: "ship",
    OrderState.SHIPPED: "begin_after_sales",
    OrderState.AFTER_SALES: "close",
}


def transition_blockers(*, order: Order, name: str, actor) -> list[str]:
    """Why `order_transition` would refuse `name` now, by the same guards, changing nothing: the order page
    says this, with a way to what is missing, instead of offering a button that would only refuse."""
    held = held_refusal(order, name)
    return [
        *([held] if held else []),
        *_core_guard_failures(order, name, actor=actor, reason=""),
        *hooks.guard_failures(name, order, actor=actor),
    ]


def cancellation_needs_supervisor(*, order: Order, user) -> bool:
    return order.status == OrderState.IN_PRODUCTION and not has_role(user, Role.SUPERVISOR)
