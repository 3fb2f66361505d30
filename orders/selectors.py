"""Reads. Every view that lists or fetches orders goes through `orders_visible_to`, so no one reaches an
order by changing an id in the URL."""

from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.roles import Role, user_roles

from .models import ChecklistItem, Customer, Order, OrderEvent

READ_ALL_ROLES = {Role.QA, Role.HR, Role.MANAGEMENT}


def orders_visible_to(user) -> QuerySet[Order]:
    """Merchandisers: their own orders (handed-over ones become their own). Supervisors: their team's.
    QA, HR and Management: all, read-only (writing is decided in orders.permissions)."""
    qs = Order.objects.all()
    if not user.is_authenticated:
        return qs.none()
    roles = user_roles(user)
    if roles & READ_ALL_ROLES:
        return qs
    condition = Q()
    if Role.MERCHANDISER in roles:
        condition |= Q(merchandiser=user)
    if Role.SUPERVISOR in roles:
        condition |= Q(merchandiser__team__supervisor=user) | Q(merchandiser=user)
    if not condition:
        return qs.none()
    return qs.filter(condition)


def order_get_for_user(*, user, pk) -> Order:
    """The order, with what its header shows, or 404 when the user may not see it."""
    try:
        return (
            orders_visible_to(user)
            .select_related("customer", "merchandiser", "merchandiser__team", "currency", "created_by")
            .get(pk=pk)
        )
    except (Order.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def order_list_queryset(*, user) -> QuerySet[Order]:
    return orders_visible_to(user).select_related("customer", "merchandiser", "currency")


def order_timeline(*, order: Order, limit: int = 200) -> list[OrderEvent]:
    """Newest first, bounded: a long history costs one query of at most `limit` rows."""
    return list(order.events.select_related("actor").order_by("-created_at", "-id")[:limit])


def order_checklist(*, order: Order) -> list[dict]:
    """Every active checklist item with its tick (who and when), in one query each."""
    ticks = {c.item_id: c for c in order.checks.select_related("checked_by")}
    return [{"item": item, "check": ticks.get(item.pk)} for item in ChecklistItem.objects.filter(active=True)]


def checklist_missing(*, order: Order) -> list[ChecklistItem]:
    ticked = set(order.checks.values_list("item_id", flat=True))
    return [item for item in ChecklistItem.objects.filter(active=True) if item.pk not in ticked]


def orders_with_same_po(*, customer: Customer, customer_po: str, exclude_pk=None) -> QuerySet[Order]:
    if not customer_po:
        return Order.objects.none()
    qs = Order.objects.filter(customer=customer, customer_po__iexact=customer_po.strip())
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return qs


def customers_visible_to(user) -> QuerySet[Customer]:
    if not user.is_authenticated or not user_roles(user):
        return Customer.objects.none()
    return Customer.objects.select_related("merchandiser")
