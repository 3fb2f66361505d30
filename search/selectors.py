"""What the top bar's search box finds: orders, customers, styles, after-sales cases and shipments, each
through its own app's visibility selector, so a result is never something the viewer could not open.

Matching: prefixes of numbers and references (order number, customer PO, style number, tracking number),
substrings of names, and on PostgreSQL typos in names and style numbers (pg_trgm word similarity). Every
test a query makes on a big table is one the trigram indexes of search/migrations/0001 answer; each group
is a few small queries merged here rather than one OR across joins, which no index can serve."""

import re
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.contrib.postgres.lookups import TrigramWordSimilar
from django.db import connection
from django.db.models import F, Q, Value
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role, has_role
from aftersales.selectors import cases_visible_to
from logistics.selectors import shipments_visible_to
from orders.models import Customer, OrderLine, Product
from orders.selectors import customers_visible_to, orders_visible_to, products_visible_to

MAX_LENGTH = 100  # as the list pages' own search fields
MIN_LENGTH = 2
# Order numbers, POs, references and subjects are matched from three characters: a trigram index has
# nothing to look up in fewer, and at a million orders a scan is too slow for a box that answers as you type.
MIN_LENGTH_BIG_TABLES = 3
PER_GROUP = 5
# How many customers or styles a query may stand for when it looks for their orders.
MAX_KEYS = 50

CASE_REFERENCE = re.compile(r"^AS-?0*(\d{1,18})$", re.IGNORECASE)
SHIPMENT_REFERENCE = re.compile(r"^(.+)-S(\d{1,4})$", re.IGNORECASE)


@dataclass(frozen=True)
class Hit:
    title: str
    detail: str
    url: str


@dataclass(frozen=True)
class Group:
    key: str
    title: str
    hits: list[Hit]
    more: bool = False  # more than PER_GROUP found
    more_url: str = ""  # the list page that shows them all, when there is one


@dataclass(frozen=True)
class SearchResults:
    query: str
    problem: str = ""  # why nothing was looked up ("" when the query was searched)
    groups: list[Group] = field(default_factory=list)

    @property
    def found(self) -> bool:
        return any(group.hits for group in self.groups)


def search_query_clean(raw) -> tuple[str, str]:
    """The query as searched (control characters and NUL bytes dropped, runs of spaces made one), and why it
    is not searched ("" when it is)."""
    text = "".join(ch for ch in str(raw or "") if ch.isprintable() or ch.isspace())
    text = " ".join(text.split())
    if not text:
        return "", str(_("Type an order number, a PO, a customer, a style, a case or a shipment."))
    if len(text) > MAX_LENGTH:
        return "", str(_("That is too long to search: at most %(max)d characters.") % {"max": MAX_LENGTH})
    if len(text) < MIN_LENGTH:
        return text, str(_("Type at least two characters."))
    return text, ""


def search_everything(*, user, text) -> SearchResults:
    """Everything `user` may see that matches `text`, grouped by kind, at most PER_GROUP of each kind.
    Someone without a staff role (a customer) finds nothing."""
    query, problem = search_query_clean(text)
    if problem:
        return SearchResults(query=query, problem=problem)
    groups = [
        _orders_group(user, query),
        _customers_group(user, query),
        _products_group(user, query),
        _cases_group(user, query),
        _shipments_group(user, query),
    ]
    return SearchResults(query=query, groups=[group for group in groups if group.hits])


def _typos() -> bool:
    return connection.vendor == "postgresql"


def _similar(field_name: str, query: str):
    """`field_name` holds a word like `query` (pg_trgm's %> operator: word similarity, GIN-indexable)."""
    return TrigramWordSimilar(F(field_name), Value(query))


def _unique(rows, limit: int) -> tuple[list, bool]:
    seen, kept = set(), []
    for row in rows:
        if row.pk not in seen:
            seen.add(row.pk)
            kept.append(row)
    return kept[:limit], len(kept) > limit


# --- Customers and styles: small tables, also the keys that find orders --------------------------------


def _matching_customers(qs, query: str, limit: int) -> list[Customer]:
    direct = Q(code__istartswith=query) | Q(name_en__icontains=query) | Q(name_zh__icontains=query)
    found = list(qs.filter(direct).order_by("code")[: limit + 1])
    if _typos() and len(found) <= limit:
        known = [c.pk for c in found]
        for name in ("name_en", "name_zh"):
            found += qs.filter(_similar(name, query)).exclude(pk__in=known).order_by("code")[: limit + 1]
            known = [c.pk for c in found]
    return found


def _matching_products(qs, query: str, limit: int) -> list[Product]:
    direct = Q(style_no__istartswith=query) | Q(name_en__icontains=query) | Q(name_zh__icontains=query)
    found = list(qs.filter(direct).order_by("style_no")[: limit + 1])
    if _typos() and len(found) <= limit:
        known = [p.pk for p in found]
        for name in ("style_no", "name_en"):
            found += qs.filter(_similar(name, query)).exclude(pk__in=known).order_by("style_no")[: limit + 1]
            known = [p.pk for p in found]
    return found


def _customers_group(user, query: str) -> Group:
    rows, more = _unique(_matching_customers(customers_visible_to(user), query, PER_GROUP), PER_GROUP)
    may_open = has_role(user, Role.MERCHANDISER, Role.SUPERVISOR, Role.MANAGEMENT)
    hits = [
        Hit(
            title=customer.name,
            detail=" · ".join(part for part in (customer.code, customer.country) if part),
            url=reverse("orders:customer_edit", args=[customer.pk])
            if may_open
            else f"{reverse('orders:list')}?{urlencode({'customer': customer.pk})}",
        )
        for customer in rows
    ]
    return Group(key="customers", title=_("Customers"), hits=hits, more=more)


def _products_group(user, query: str) -> Group:
    rows, more = _unique(_matching_products(products_visible_to(user), query, PER_GROUP), PER_GROUP)
    may_open = has_role(user, Role.MERCHANDISER, Role.SUPERVISOR)
    hits = [
        Hit(
            title=product.style_no,
            detail=product.name,
            url=reverse("orders:product_edit", args=[product.pk]) if may_open else reverse("orders:product_list"),
        )
        for product in rows
    ]
    return Group(key="products", title=_("Styles and products"), hits=hits, more=more)


# --- Orders ---------------------------------------------------------------------------------------------

ORDER_FIELDS = ("id", "number", "status", "customer_po", "received_at", "customer_id")
ORDER_FIELDS += ("customer__id", "customer__name_zh", "customer__name_en")


def _order_detail(order) -> str:
    """The customer, PO and state; a draft's display number already names its customer and PO."""
    if not order.number:
        return order.get_status_display()
    po = f"PO {order.customer_po}" if order.customer_po else ""
    return " · ".join(part for part in (order.customer.name, po, order.get_status_display()) if part)


def _orders_group(user, query: str) -> Group:
    visible = orders_visible_to(user).select_related("customer").only(*ORDER_FIELDS).order_by("-received_at", "-id")
    take = PER_GROUP + 1
    branches = []
    if len(query) >= MIN_LENGTH_BIG_TABLES:
        branches.append(visible.filter(number__istartswith=query)[:take])
        branches.append(visible.filter(customer_po__istartswith=query)[:take])
    # The customers and styles first (small tables), then their orders by id: each branch an index lookup.
    customer_ids = [c.pk for c in _matching_customers(Customer.objects.all(), query, MAX_KEYS)]
    if customer_ids:
        branches.append(visible.filter(customer_id__in=customer_ids)[:take])
    # A style on an order line is part of the order, which the viewer sees: the product master's own
    # visibility (products_visible_to) is for the Styles group, not for finding orders.
    product_ids = [p.pk for p in _matching_products(Product.objects.all(), query, MAX_KEYS)]
    if product_ids:
        with_style = OrderLine.objects.filter(product_id__in=product_ids).values("order_id")
        branches.append(visible.filter(pk__in=with_style)[:take])
    rows, more = _unique([order for branch in branches for order in branch], PER_GROUP)
    hits = [
        Hit(
            title=order.display_number,
            detail=_order_detail(order),
            url=reverse("orders:detail", args=[order.pk]),
        )
        for order in rows
    ]
    more_url = f"{reverse('orders:list')}?{urlencode({'q': query})}" if more else ""
    return Group(key="orders", title=_("Orders"), hits=hits, more=more, more_url=more_url)


# --- After-sales cases and shipments: by their references -----------------------------------------------


def _cases_group(user, query: str) -> Group:
    condition = Q(pk__in=[])
    if reference := CASE_REFERENCE.match(query.replace(" ", "")):
        condition |= Q(pk=int(reference.group(1)))
    if len(query) >= MIN_LENGTH_BIG_TABLES:
        condition |= Q(subject__icontains=query) | Q(order__number__istartswith=query)
    qs = (
        cases_visible_to(user)
        .filter(condition)
        .select_related("order", "order__customer")
        .order_by("-opened_at", "-id")[: PER_GROUP + 1]
    )
    rows, more = _unique(qs, PER_GROUP)
    hits = [
        Hit(
            title=f"{case.reference} {case.subject}",
            detail=f"{case.order.display_number} · {case.get_status_display()}",
            url=reverse("aftersales:case_detail", args=[case.pk]),
        )
        for case in rows
    ]
    more_url = f"{reverse('aftersales:case_list')}?{urlencode({'q': query})}" if more else ""
    return Group(key="cases", title=_("After-sales cases"), hits=hits, more=more, more_url=more_url)


def _shipments_group(user, query: str) -> Group:
    if len(query) < MIN_LENGTH_BIG_TABLES:
        return Group(key="shipments", title=_("Shipments"), hits=[])
    condition = Q(tracking_number__istartswith=query) | Q(order__number__istartswith=query)
    if reference := SHIPMENT_REFERENCE.match(query):
        condition |= Q(order__number__iexact=reference.group(1), seq=int(reference.group(2)))
    qs = (
        shipments_visible_to(user)
        .filter(condition)
        .select_related("order", "order__customer", "carrier")
        .order_by("-ship_date", "-id")[: PER_GROUP + 1]
    )
    rows, more = _unique(qs, PER_GROUP)
    hits = [
        Hit(
            title=shipment.reference,
            detail=" · ".join(
                part for part in (shipment.carrier.name, shipment.tracking_number, str(shipment.ship_date)) if part
            ),
            url=f"{reverse('orders:detail', args=[shipment.order_id])}?tab=shipments",
        )
        for shipment in rows
    ]
    more_url = f"{reverse('logistics:shipment_list')}?{urlencode({'q': query, 'scope': 'all'})}" if more else ""
    return Group(key="shipments", title=_("Shipments"), hits=hits, more=more, more_url=more_url)
