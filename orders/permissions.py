"""Who may act on which order. Reading is decided by orders.selectors; this decides writing."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from accounts.roles import Role, has_role

from .models import Order, OrderState


def is_owner(user, order: Order) -> bool:
    return order.merchandiser_id == user.pk


def leads_owner(user, order: Order) -> bool:
    """The user supervises the team of the order's merchandiser."""
    team = getattr(order.merchandiser, "team", None)
    return bool(team and team.supervisor_id == user.pk)


def can_edit(user, order: Order) -> bool:
    if not user.is_authenticated:
        return False
    return (has_role(user, Role.MERCHANDISER) and is_owner(user, order)) or (
        has_role(user, Role.SUPERVISOR) and (leads_owner(user, order) or is_owner(user, order))
    )


@dataclass(frozen=True)
class TransitionRule:
    label: object
    style: str = "primary"  # button style in the detail page
    supervisor_only_from: tuple = ()  # states in which only the team's supervisor may do it


TRANSITIONS: dict[str, TransitionRule] = {
    "confirm": TransitionRule(_("Confirm order")),
    "enter": TransitionRule(_("Enter order and assign number")),
    "start_production": TransitionRule(_("Start production")),
    "ship": TransitionRule(_("Mark shipped")),
    "begin_after_sales": TransitionRule(_("Confirm delivery, start after-sales")),
    "close": TransitionRule(_("Close order")),
    "cancel": TransitionRule(_("Cancel order"), style="danger", supervisor_only_from=(OrderState.IN_PRODUCTION,)),
}


def can_transition(user, order: Order, name: str) -> bool:
    """Role and ownership gate for a transition (state and guards are checked separately)."""
    rule = TRANSITIONS.get(name)
    if rule is None or not can_edit(user, order):
        return False
    if order.status in rule.supervisor_only_from:
        return has_role(user, Role.SUPERVISOR) and leads_owner(user, order)
    return True


def can_reassign(user, order: Order) -> bool:
    return has_role(user, Role.SUPERVISOR) and leads_owner(user, order)


def leads_member(user, member) -> bool:
    """The user supervises the team `member` belongs to."""
    team = getattr(member, "team", None)
    return bool(team and team.supervisor_id == user.pk)


def can_receive_handover(actor, to_user) -> bool:
    """Handover stays within the team: the supervisor hands orders only to a merchandiser they lead, so
    they never lose sight of an order they handed over."""
    return has_role(actor, Role.SUPERVISOR) and leads_member(actor, to_user)
