"""Reads. Every view that lists or fetches orders goes through `orders_visible_to`, so no one reaches an
order by changing an id in the URL."""

from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from accounts.roles import Role, user_roles

from . import hooks
from .models import (
    OPEN_STATES,
    ChecklistItem,
    Customer,
    CustomerContact,
    EventType,
    Order,
    OrderCheck,
    OrderComment,
    OrderEvent,
    OrderLine,
    OrderMention,
    OrderState,
    Product,
    Promise,
    PromiseStatus,
    Unit,
)

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


def order_visibility(user, *, via: str = "") -> Q:
    """The rule of orders_visible_to as a condition on rows that belong to an order through the relation
    `via` (a case's or a shipment's "order"): joined to each row's order, not an IN or EXISTS over every
    visible order. PostgreSQL then walks the row's own index and probes each row's order; over an IN or an
    EXISTS joined by OR to another test it hashed all of a supervisor's team's orders first. A supervisor's
    team is a subquery on the users table (a dozen rows) for the same reason. With no `via`, the condition
    is on a row's own `merchandiser` (a customer's account owner: the customers whose orders one sees)."""
    roles = user_roles(user) if user.is_authenticated else set()
    if roles & READ_ALL_ROLES:
        return Q()
    prefix = f"{via}__" if via else ""
    owners = []
    if Role.MERCHANDISER in roles:
        owners.append(Q(**{f"{prefix}merchandiser": user}))
    if Role.SUPERVISOR in roles:
        team = get_user_model().objects.filter(Q(team__supervisor=user) | Q(pk=user.pk)).values("pk")
        owners.append(Q(**{f"{prefix}merchandiser__in": team}))
    if not owners:
        return Q(pk__in=[])
    condition = Q()
    for owner in owners:
        condition |= owner
    return condition


def owners_visible_to(user) -> QuerySet:
    """The people an owner filter offers `user`: whose orders they see, by the rule of orders_visible_to.
    QA, HR and management: every merchandiser; a supervisor: their team's merchandisers and themself; a
    merchandiser: themself only."""
    people = get_user_model().objects.order_by("last_name", "first_name", "username")
    roles = user_roles(user)
    merchandisers = Q(groups__name=Role.MERCHANDISER)
    if roles & READ_ALL_ROLES:
        return people.filter(merchandisers).distinct()
    condition = Q(pk__in=[])
    if Role.MERCHANDISER in roles:
        condition |= Q(pk=user.pk)
    if Role.SUPERVISOR in roles:
        condition |= (merchandisers & Q(team__supervisor=user)) | Q(pk=user.pk)
    return people.filter(condition).distinct()


def owner_scope(user) -> str:
    """A name for what owners_visible_to gives `user`: cached owner choices are shared within one scope."""
    roles = user_roles(user)
    if roles & READ_ALL_ROLES:
        return "all"
    if Role.SUPERVISOR in roles:
        return f"team-{user.pk}"
    return f"self-{user.pk}"


def order_get_for_user(*, user, pk) -> Order:
    """The order, with what its header shows, or 404 when the user may not see it."""
    try:
        return (
            orders_visible_to(user)
            .select_related("customer", "merchandiser", "merchandiser__team", "currency")
            .get(pk=pk)
        )
    except (Order.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def order_lines(*, order: Order) -> list[OrderLine]:
    """The order's lines with product and unit, in line order: from the order page's prefetch when it made
    one (order_get_for_page), else one query."""
    prefetched = getattr(order, "_prefetched_objects_cache", {}).get("lines")
    if prefetched is not None:
        return list(prefetched)
    return list(order.lines.select_related("product", "unit").order_by("line_no"))


def order_get_for_page(*, user, pk) -> Order:
    """The order as its page shows it, or 404: the header's relations and the stages' one-to-one rows
    (orders.hooks panels) in one query, and the lines, with product and unit, in one more; the stage panels
    read order.lines.all() from there instead of asking again. The same query says whether the order has a
    promise ledger (`has_promises`): most orders never get one, and their promises panel then asks nothing."""
    lines = Prefetch("lines", queryset=OrderLine.objects.select_related("product", "unit").order_by("line_no"))
    try:
        return (
            orders_visible_to(user)
            .select_related("customer", "merchandiser", "merchandiser__team", "currency")
            .select_related(*hooks.panel_relations())
            .annotate(has_promises=Exists(Promise.objects.filter(order=OuterRef("pk"))))
            .prefetch_related(lines)
            .get(pk=pk)
        )
    except (Order.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


# What a row of the order list and its exports shows (orders.tables.OrderTable, orders/_order_table.html),
# and nothing else: an order row has ~30 columns, and loading them all was a sixth of the list's time.
ORDER_LIST_FIELDS = (
    *("id", "number", "status", "channel", "customer_po", "delivery_date", "received_at"),
    *("is_overdue", "is_at_risk", "is_on_hold", "customer_id", "merchandiser_id"),
    *("customer__id", "customer__name_zh", "customer__name_en"),
    *("merchandiser__id", "merchandiser__username", "merchandiser__first_name", "merchandiser__last_name"),
)


def order_list_queryset(*, user) -> QuerySet[Order]:
    return orders_visible_to(user).select_related("customer", "merchandiser").only(*ORDER_LIST_FIELDS)


@dataclass(frozen=True)
class KeysetPage:
    """One page of the order list in its default sort: `rows` are values() dicts of ORDER_LIST_FIELDS."""

    rows: list[dict]
    number: int
    has_previous: bool
    has_next: bool


def order_list_keyset_page(
    qs: QuerySet[Order],
    *,
    per_page: int,
    number: int = 1,
    after: tuple[datetime, int] | None = None,
    before: tuple[datetime, int] | None = None,
) -> KeysetPage:
    """A page of `qs` newest first (ORDER BY received_at DESC, id DESC, which order_recv_idx and
    order_owner_recv_idx serve): the rows after the (received_at, id) cursor `after`, the rows above
    `before`, or page `number` by OFFSET. One query a page; a page past the end is the first page, as
    the paginator did (a second query)."""

    def rows(page_qs) -> list[dict]:
        return list(page_qs.values(*ORDER_LIST_FIELDS)[: per_page + 1])

    newest_first = qs.order_by("-received_at", "-id")
    if before:  # the page above `before`: walk up from it, then turn the rows round
        at, pk = before
        above = qs.filter(received_at__gte=at).exclude(received_at=at, id__lte=pk).order_by("received_at", "id")
        found = rows(above)
        return KeysetPage(found[:per_page][::-1], number, has_previous=len(found) > per_page, has_next=True)
    if after:  # `received_at <= at` bounds the index scan; the exclude drops the ties already shown
        at, pk = after
        page = newest_first.filter(received_at__lte=at).exclude(received_at=at, id__gte=pk)
    elif number > 1:  # a typed ?page=N: OFFSET, over the ids only (an index-only scan), then the rows
        offset = (number - 1) * per_page
        page = newest_first.filter(pk__in=newest_first.values("pk")[offset : offset + per_page + 1])
    else:
        page = newest_first
    found = rows(page)
    if not found and number > 1 and not after:  # past the end: the first page
        number, found = 1, rows(newest_first)
    return KeysetPage(found[:per_page], number, has_previous=number > 1, has_next=len(found) > per_page)


def order_export_rows(qs: QuerySet[Order], *, limit: int) -> list[Order]:
    """Up to `limit` + 1 orders of `qs`, newest first: one more than the cap, so the caller knows it is over."""
    return list(qs.order_by("-received_at", "-id")[: limit + 1])


@dataclass(frozen=True)
class HandoverChoices:
    """What a supervisor may hand over, and to whom: the querysets of the handover form's choices."""

    team_members: QuerySet  # the team's merchandisers, left or not: whose orders may be handed over
    merchandisers: QuerySet  # the active ones: who may take them (orders.permissions)
    open_orders: QuerySet[Order]  # the team's open orders, by merchandiser, newest first


def handover_choices(*, supervisor) -> HandoverChoices:
    team_members = (
        get_user_model().objects.filter(team__supervisor=supervisor, groups__name=Role.MERCHANDISER).distinct()
    )
    open_orders = (
        orders_visible_to(supervisor)
        .filter(merchandiser__in=team_members, status__in=OPEN_STATES)
        .select_related("customer", "merchandiser")
        .order_by("merchandiser__last_name", "merchandiser__first_name", "merchandiser_id", "-received_at", "-id")
    )
    return HandoverChoices(team_members, team_members.filter(is_active=True), open_orders)


def handover_orders(*, supervisor, from_user, order_id=None) -> list[int]:
    """The ids of the open orders of `from_user` that the supervisor sees: one of them when `order_id`."""
    orders = orders_visible_to(supervisor).filter(merchandiser=from_user, status__in=OPEN_STATES)
    if order_id:
        orders = orders.filter(pk=order_id)
    return list(orders.values_list("pk", flat=True))


def order_timeline(*, order: Order, limit: int = 200) -> list[OrderEvent]:
    """Newest first, bounded: a long history costs one query of at most `limit` rows (and one more for the
    people of its handovers, if it has any)."""
    return events_readable(order.events.select_related("actor").order_by("-created_at", "-id")[:limit])


# The stages the order page's stepper walks, in order. Cancelled and on hold are shown beside them.
STAGES = (
    OrderState.RECEIVED,
    OrderState.CONFIRMED,
    OrderState.ENTERED,
    OrderState.IN_PRODUCTION,
    OrderState.SHIPPED,
    OrderState.AFTER_SALES,
    OrderState.CLOSED,
)


def order_stages(*, order: Order) -> list[dict]:
    """The stepper: each stage with the time the order reached it (None for one not reached), which one it
    is in, and, for a cancelled order, where it stopped. The first three times are on the order; the later
    ones come from its transition events, read (a handful of rows) only once the order has got that far."""
    reached = {
        OrderState.RECEIVED: order.received_at,
        OrderState.CONFIRMED: order.confirmed_at,
        OrderState.ENTERED: order.entered_at,
    }
    stopped_at = None
    if order.status not in (OrderState.RECEIVED, OrderState.CONFIRMED, OrderState.ENTERED):
        moves = order.events.filter(type=EventType.TRANSITION).order_by("created_at", "id")
        for from_state, to_state, at in moves.values_list("from_state", "to_state", "created_at"):
            reached.setdefault(to_state, at)
            if to_state == OrderState.CANCELLED:
                stopped_at = from_state
    if order.closed_at and order.status == OrderState.CLOSED:
        reached.setdefault(OrderState.CLOSED, order.closed_at)
    current = stopped_at if order.status == OrderState.CANCELLED else order.status
    index = STAGES.index(current) if current in STAGES else -1
    return [
        {
            "state": state,
            "label": OrderState(state).label,
            "at": reached.get(state) if i <= index else None,
            "done": i < index or (i == index and order.status == OrderState.CLOSED),
            "current": i == index and order.status != OrderState.CANCELLED,
        }
        for i, state in enumerate(STAGES)
    ]


def events_readable(events) -> list[OrderEvent]:
    """Events as the work record shows them: a handover names both people (its payload holds their
    usernames), a changed line its old and new unit and product (the payload holds their ids). One query
    for the people and one per kind of record, only when the events name any."""
    events = list(events)
    handovers = [e for e in events if e.type == EventType.REASSIGNED]
    usernames = {e.payload.get(side, "") for e in handovers for side in ("from", "to")}
    if usernames:
        people = {u.get_username(): u for u in get_user_model().objects.filter(username__in=usernames)}
        for event in handovers:
            event.handover_names = tuple(
                str(people.get(event.payload.get(side, ""), event.payload.get(side, ""))) for side in ("from", "to")
            )
    _name_changed_lines([e for e in events if e.type in (EventType.FIELDS_CHANGED, EventType.CORRECTION)])
    return events


_LINE_RELATIONS = {"unit_id": Unit, "product_id": Product}


def _name_changed_lines(events: list[OrderEvent]) -> None:
    wanted: dict = {model: set() for model in _LINE_RELATIONS.values()}
    for event in events:
        for change in event.payload.get("changes", []):
            model = _LINE_RELATIONS.get(change.get("field", "").rsplit(" ", 1)[-1])
            if model is not None:
                wanted[model].update(v for v in (change.get("old"), change.get("new")) if str(v).isdigit())
    found = {model: model.objects.in_bulk([int(pk) for pk in ids]) for model, ids in wanted.items() if ids}
    if not found:
        return
    for event in events:
        event.related_names = {
            (model, str(pk)): str(obj) for model, objects in found.items() for pk, obj in objects.items()
        }


class Checklist(list):
    """The checklist's rows, each {"item", "check"}, and how many are still open (the "Tick all" button
    shows only while some are)."""

    @property
    def open_count(self) -> int:
        return sum(1 for row in self if row["check"] is None)


def order_checklist(*, order: Order) -> Checklist:
    """Every active checklist item with its tick (who and when), in one query: the tick and the person
    who ticked are LEFT JOINed to the items, so the order page pays one query for its checklist, not two.
    Plain SQL: the ORM cannot join the items to the ticks (OrderCheck.item has no reverse relation)."""
    rows = ChecklistItem.objects.raw(
        f"""SELECT i.*, c.id AS tick_id, c.checked_at AS tick_at, u.id AS tick_by_id,
                   u.username AS tick_by_username, u.first_name AS tick_by_first_name,
                   u.last_name AS tick_by_last_name
            FROM {ChecklistItem._meta.db_table} i
            LEFT JOIN {OrderCheck._meta.db_table} c ON c.item_id = i.id AND c.order_id = %s
            LEFT JOIN {get_user_model()._meta.db_table} u ON u.id = c.checked_by_id
            WHERE i.active
            ORDER BY i.sequence, i.code""",  # noqa: S608 - table names from the models; the id is a parameter
        [order.pk],
    )
    return Checklist({"item": item, "check": _tick(order, item)} for item in rows)


def _tick(order: Order, item: ChecklistItem) -> OrderCheck | None:
    """The tick as the template reads it (checked_by, checked_at), built from the joined row."""
    if item.tick_id is None:
        return None
    checked_by = get_user_model()(
        pk=item.tick_by_id,
        username=item.tick_by_username,
        first_name=item.tick_by_first_name,
        last_name=item.tick_by_last_name,
    )
    checked_at = item.tick_at
    if isinstance(checked_at, str):  # SQLite hands back text for a column that raw() does not map to a field
        checked_at = parse_datetime(checked_at)
    # ...or, through its column-type converters, a naive datetime: either way UTC, as the backend stores it.
    # Left naive, a template would show it as local time, eight hours early.
    if settings.USE_TZ and timezone.is_naive(checked_at):
        checked_at = timezone.make_aware(checked_at, UTC)
    check = OrderCheck(pk=item.tick_id, order=order, item=item, checked_by=checked_by, checked_at=checked_at)
    check._state.adding = checked_by._state.adding = False  # read from the database, shown only
    return check


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


PRODUCT_ROLES = {Role.MERCHANDISER, Role.SUPERVISOR, Role.QA, Role.MANAGEMENT}


def products_visible_to(user) -> QuerySet[Product]:
    """The product master, for the roles that work with it (those the product list is open to); none for
    anyone else."""
    if not user.is_authenticated or not (user_roles(user) & PRODUCT_ROLES):
        return Product.objects.none()
    return Product.objects.select_related("unit")


def product_for_style(*, user, style_no: str) -> Product | None:
    """The product with this style number (any case, outer spaces ignored) that `user` may see, or None.
    A number with a NUL byte names nothing (PostgreSQL text cannot hold one: asking would be a 500)."""
    style_no = (style_no or "").strip()
    if not style_no or "\x00" in style_no:
        return None
    return products_visible_to(user).filter(style_no__iexact=style_no).first()


def customers_visible_to(user) -> QuerySet[Customer]:
    if not user.is_authenticated or not user_roles(user):
        return Customer.objects.none()
    return Customer.objects.select_related("merchandiser")


CUSTOMER_HISTORY_FIELDS = ["code", "name_zh", "name_en", "email", "phone", "country", "preferred_language"]
CONTACT_HISTORY_FIELDS = ["name", "title", "email", "phone"]


def _diff(record, previous, fields: list[str]) -> list[dict]:
    if previous is None:
        return []
    delta = record.diff_against(previous, included_fields=fields)
    model = record.instance_type
    return [
        {"label": model._meta.get_field(c.field).verbose_name, "field": c.field, "old": c.old, "new": c.new}
        for c in delta.changes
    ]


def customer_history(*, customer: Customer, limit: int = 50) -> list[dict]:
    """The customer's and its contacts' field history, newest first (at most `limit` of each): who, when,
    why, and each field's old → new. `kind` names what happened; the template words it."""
    User = get_user_model()
    records = list(customer.history.select_related("history_user").order_by("-history_date", "-history_id")[:limit])
    contact_records = list(
        CustomerContact.history.filter(customer_id=customer.pk)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")[:limit]
    )
    owners = {r.merchandiser_id for r in records} - {None}
    names = {u.pk: str(u) for u in User.objects.filter(pk__in=owners)} if owners else {}
    entries = []
    for i, record in enumerate(records):
        previous = records[i + 1] if i + 1 < len(records) else None
        changes = _diff(record, previous, CUSTOMER_HISTORY_FIELDS)
        if previous is not None and previous.merchandiser_id != record.merchandiser_id:
            changes.append(
                {
                    "label": Customer._meta.get_field("merchandiser").verbose_name,
                    "field": "merchandiser",
                    "old": names.get(previous.merchandiser_id, ""),
                    "new": names.get(record.merchandiser_id, ""),
                }
            )
        kind = "created" if record.history_type == "+" else "changed"
        entries.append({"record": record, "kind": kind, "changes": changes, "contact": None})
    older = {}  # a contact's next older record in the list, found walking from the oldest
    for record in reversed(contact_records):
        previous = older.get(record.id)
        older[record.id] = record
        kind = {"+": "contact_added", "-": "contact_removed"}.get(record.history_type, "contact_changed")
        changes = _diff(record, previous, CONTACT_HISTORY_FIELDS) if kind == "contact_changed" else []
        entries.append({"record": record, "kind": kind, "changes": changes, "contact": record})
    entries.sort(key=lambda e: (e["record"].history_date, e["record"].history_id), reverse=True)
    return [
        {
            **entry,
            "at": entry["record"].history_date,
            "who": entry["record"].history_user,
            "reason": entry["record"].history_change_reason or "",
        }
        for entry in entries
    ]


# --- the order's thread (orders.services.discussion) ---------------------------------------------------
def order_comments(*, order: Order, limit: int = 200) -> list[OrderComment]:
    """The order's comments, oldest first (the latest `limit`), with author, file and whom each named. The
    caller has fetched `order` through orders_visible_to."""
    qs = (
        OrderComment.objects.filter(order=order)
        .select_related("author", "attachment")
        .prefetch_related(Prefetch("mentions", queryset=OrderMention.objects.select_related("user")))
        .order_by("-created_at", "-id")
    )
    return list(reversed(qs[:limit]))


def mentions_for(*, user, limit: int = 10) -> list[OrderMention]:
    """The comments that named `user`, newest first, on orders they may still see."""
    return list(
        OrderMention.objects.filter(user=user, comment__order__in=orders_visible_to(user))
        .select_related("comment", "comment__author", "comment__order")
        .order_by("-comment__created_at", "-id")[:limit]
    )


# --- the promise ledger ------------------------------------------------------------------------------
def promise_get_for_order(*, order: Order, pk) -> Promise:
    """A promise of an order the caller may already see; another order's is a 404."""
    promise = Promise.objects.filter(order=order, pk=pk).first()
    if promise is None:
        raise Http404
    return promise


def order_promises(*, order: Order) -> list[Promise]:
    """The order's ledger, first promise first; none asked for when the order was read knowing it has none
    (`order_get_for_page`)."""
    if getattr(order, "has_promises", True) is False:
        return []
    return list(order.promises.select_related("proposed_by", "decided_by", "evidence"))


def promises_waiting_for(*, user, limit: int = 200) -> list[Promise]:
    """Proposed dates that `user` decides: those on orders of the teams they lead, not their own, oldest first."""
    return list(
        Promise.objects.filter(status=PromiseStatus.PROPOSED, order__merchandiser__team__supervisor=user)
        .exclude(proposed_by=user)
        .select_related("order__customer", "order__merchandiser", "proposed_by")
        .order_by("proposed_at", "pk")[:limit]
    )


def promise_answers_for(*, user, limit: int = 20) -> list[Promise]:
    """The customers' answers to new dates on the merchandiser's own orders, newest first."""
    return list(
        Promise.objects.filter(order__merchandiser=user, customer_answered_at__isnull=False)
        .select_related("order__customer")
        .order_by("-customer_answered_at", "-pk")[:limit]
    )
