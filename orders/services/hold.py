"""On hold (暂停): the customer paused the order. A flag beside the state, never a state of its own: while it
is set the stages create no work for the order (production's daily check-ins) and the transitions that
would move it forward are refused."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import InvalidInput, NotPermitted, TransitionRefused

from .. import events, hooks
from ..models import CANCELLABLE_STATES, Order
from ..permissions import can_hold
from .workflow import order_check_version, order_lock


def order_hold(*, order_id, actor, reason: str, expected_version=None) -> Order:
    """Put an order on hold with the reason. Guarantees: the row is locked and its version checked; only
    the owner or the team's supervisor may do it, and only before shipment; the flag, the reason, the time
    and one HELD event are written together."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Give the reason for the hold."))
    with transaction.atomic():
        order = order_lock(order_id=order_id)
        order_check_version(order, expected_version)
        if not can_hold(actor, order):
            raise NotPermitted(_("You are not allowed to hold order %(order)s.") % {"order": order.display_number})
        if order.is_on_hold:
            raise TransitionRefused(_("Order %(order)s is already on hold.") % {"order": order.display_number})
        if order.status not in CANCELLABLE_STATES:
            raise TransitionRefused(
                _("Order %(order)s is %(state)s: only an order not yet shipped can be put on hold.")
                % {"order": order.display_number, "state": order.get_status_display()}
            )
        order.is_on_hold = True
        order.hold_reason = reason
        order.held_since = timezone.now()
        order._change_reason = reason
        order._history_user = actor
        order.version += 1
        order.save(update_fields=["is_on_hold", "hold_reason", "held_since", "version"])
        events.event_held(order, actor, reason=reason)
        hooks.run_after("hold", order, actor)  # the stages pause their clocks (after-sales SLA)
    return order


def order_release(*, order_id, actor, note: str = "", expected_version=None) -> Order:
    """Take an order off hold. Same guarantees as order_hold; the RELEASED event keeps the reason and the
    start of the hold, so the work record shows how long it lasted."""
    with transaction.atomic():
        order = order_lock(order_id=order_id)
        order_check_version(order, expected_version)
        if not can_hold(actor, order):
            raise NotPermitted(_("You are not allowed to release order %(order)s.") % {"order": order.display_number})
        if not order.is_on_hold:
            raise TransitionRefused(_("Order %(order)s is not on hold.") % {"order": order.display_number})
        reason, since = order.hold_reason, order.held_since
        order.is_on_hold = False
        order.hold_reason = ""
        order.held_since = None
        order._change_reason = note.strip() or reason
        order._history_user = actor
        order.version += 1
        order.save(update_fields=["is_on_hold", "hold_reason", "held_since", "version"])
        events.event_released(order, actor, note=note.strip(), reason=reason, since=since)
        hooks.run_after("release", order, actor)
    return order
