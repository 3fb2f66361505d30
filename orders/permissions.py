"""Who may act on which order. Reading is decided by orders.selectors; this decides writing."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from accounts.roles import Role, has_role

from .models import CustomerContact, Order, OrderState


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


def can_hold(user, order: Order) -> bool:
    """Put on hold and release: whoever may change the order (its owner, the owner's supervisor)."""
    return can_edit(user, order)


def can_decide_promise(user, promise) -> bool:
    """Approve or reject a proposed delivery date: the supervisor of the owner's team, never the person who
    proposed it (a supervisor's own proposal waits for another supervisor of that team, or none)."""
    if not user.is_authenticated or promise.proposed_by_id == user.pk:
        return False
    return has_role(user, Role.SUPERVISOR) and leads_owner(user, promise.order)


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


# --- customers ---------------------------------------------------------------------------------------
# A customer's usual merchandiser (owner) receives its API orders, and its email addresses (the customer's
# and its contacts') receive the shipment and delay emails that carry the private status link. Whoever may
# change those may take the customer over, so they are "routing" fields:
# - the owning team's supervisor (or any supervisor while no one owns the customer) and management change
#   them, with a reason; a supervisor gives the customer only to a merchandiser of a team they lead;
# - the owner merchandiser keeps the rest of the customer up to date (names, phone, country, language, the
#   contacts' names, titles and phones); other merchandisers read it;
# - whoever creates a customer sets its first email; a merchandiser creating one may only own it themselves.
CUSTOMER_ROUTING_FIELDS = ("merchandiser", "email")


def _owner_team_supervised_by(user, customer) -> bool:
    return bool(customer.merchandiser_id and leads_member(user, customer.merchandiser))


def can_edit_customer(user, customer) -> bool:
    """May change the customer's details (everything but the routing fields)."""
    if not user.is_authenticated:
        return False
    if has_role(user, Role.MANAGEMENT):
        return True
    if has_role(user, Role.SUPERVISOR) and (
        customer.merchandiser_id is None or _owner_team_supervised_by(user, customer)
    ):
        return True
    return has_role(user, Role.MERCHANDISER) and customer.merchandiser_id in (None, user.pk)


def can_route_customer(user, customer) -> bool:
    """May change the customer's owner and email addresses."""
    if not user.is_authenticated:
        return False
    if has_role(user, Role.MANAGEMENT):
        return True
    return has_role(user, Role.SUPERVISOR) and (
        customer.merchandiser_id is None or _owner_team_supervised_by(user, customer)
    )


def customer_owner_choices(user):
    """Whom `user` may make a customer's owner (None, no owner, is always allowed to those who route)."""
    from django.contrib.auth import get_user_model

    merchandisers = get_user_model().objects.filter(groups__name=Role.MERCHANDISER, is_active=True)
    if has_role(user, Role.MANAGEMENT):
        return merchandisers.distinct()
    if has_role(user, Role.SUPERVISOR):
        return merchandisers.filter(team__supervisor=user).distinct()
    return merchandisers.filter(pk=user.pk)  # a merchandiser creating a customer owns it


def contact_customer_id(user) -> int | None:
    """The customer whose portal `user` signs in to (a customer contact's login), or None for anyone else.

    Read once per request and kept on the user object: the portal's confinement and every portal selector
    ask it."""
    if not user.is_authenticated or not user.is_active:
        return None
    if not hasattr(user, "_contact_customer_id"):
        user._contact_customer_id = (
            CustomerContact.objects.filter(user=user).values_list("customer_id", flat=True).first()
        )
    return user._contact_customer_id


def is_contact_of(user, customer) -> bool:
    """`user` is a portal login of `customer`'s contacts (customer_portal)."""
    return customer is not None and contact_customer_id(user) == customer.pk
