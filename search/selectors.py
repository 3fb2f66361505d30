"""What the top bar's search box finds: orders, customers, styles, after-sales cases and shipments, each
through its own app's visibility selector, so a result is never something the viewer could not open.

Matching: prefixes of numbers and references (order number, customer PO, style number, tracking number),
substrings of names, and on PostgreSQL typos in names and style numbers (pg_trgm word similarity). Each
group is a few small queries merged here rather than one OR across joins, which no index can serve: at a
million orders such an OR scanned the shipments and orders tables for every keystroke.

Two more rules keep a keystroke cheap at a million orders. Numbers, POs and tracking numbers are read in
the order of their own prefix key (_prefix_key), not sorted by date: the planner takes a prefix and a date
to be independent, but numbers and POs hold the date, and a walk of the date index read half the table.
And the typo test runs only when the plain tests found nothing at all, so a query that names something
exactly is neither slowed down nor diluted by everything that merely looks like it."""

import re
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.contrib.postgres.lookups import TrigramWordSimilar
from django.contrib.postgres.search import TrigramWordSimilarity
from django.db import connection
from django.db.models import Case, F, Q, Value, When
from django.db.models.functions import Collate, Greatest, Upper
from django.db.models.query import EmptyQuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role, has_role
from aftersales.selectors import cases_visible_to
from logistics.selectors import shipments_visible_to
from orders.models import Customer, OrderLine, Product
from orders.selectors import customers_visible_to, order_visibility, orders_visible_to, products_visible_to

MAX_LENGTH = 100  # as the list pages' own search fields
MIN_LENGTH = 2
# Order numbers, POs, references and subjects are matched from three characters: a trigram index has
# nothing to look up in fewer, and at a million orders a scan is too slow for a box that answers as you type.
MIN_LENGTH_BIG_TABLES = 3
PER_GROUP = 5
# How many customers or styles a query may stand for; and how many of them, first ones first, find orders:
# a dozen customers' orders are read from their own index, where fifty sent PostgreSQL down the whole date
# index of a team that serves none of them.
MAX_KEYS = 50
ORDER_KEYS = 10

CASE_REFERENCE = re.compile(r"^AS-?0*(\d{1,18})$", re.IGNORECASE)
SHIPMENT_REFERENCE = re.compile(r"^(.+)-S(\d{1,4})$", re.IGNORECASE)
HAN = re.compile(r"[\u3400-\u9fff]")  # a Chinese character


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
    # The orders whose number or PO starts with the query: their own group's first rows, and the keys that
    # find cases and shipments. The customers and styles the query names: the Customers and Styles groups
    # show the first of them the viewer may see, and the Orders group finds their orders. Each looked up once.
    numbered = _orders_by_prefix(user, query, "number", MAX_KEYS)
    by_po = _orders_by_prefix(user, query, "customer_po", PER_GROUP + 1)
    customers_seen, show_customers = _looked_up_in(customers_visible_to(user), Customer)
    products_seen, show_products = _looked_up_in(products_visible_to(user), Product)
    customers = _matching_customers(user, customers_seen, query)
    products = _matching_products(products_seen, query)
    # A query that names orders by number or PO is a reference, not words: cases' subjects are not read.
    order_ids = [order.pk for order in numbered]
    cases = _cases_group(user, query, order_ids, subjects=not (numbered or by_po))
    shipments = _shipments_group(user, query, order_ids)
    if _typos() and not (numbered or by_po or customers or products or cases.hits or shipments.hits):
        # Did you mean: a customer first, the usual thing to mistype; a style only when no customer is alike.
        customers = _similar_customers(customers_seen, query)
        products = [] if customers else _similar_products(products_seen, query)
    groups = [
        _orders_group(user, query, numbered + by_po, customers, products),
        _customers_group(user, customers if show_customers else []),
        _products_group(user, products if show_products else []),
        cases,
        shipments,
    ]
    return SearchResults(query=query, groups=[group for group in groups if group.hits])


def _typos() -> bool:
    return connection.vendor == "postgresql"


def _similar(field_name: str, query: str):
    """`field_name` holds a word like `query` (pg_trgm's %> operator: word similarity, GIN-indexable)."""
    return TrigramWordSimilar(F(field_name), Value(query))


def _prefix_key(field_name: str):
    """`field_name` upper-cased, in byte order: collation "C" on PostgreSQL, whose index
    (search/migrations/0002) answers a prefix test and the order of the rows at once; "BINARY", the same
    order, on SQLite."""
    return Collate(Upper(field_name), "C" if connection.vendor == "postgresql" else "BINARY")


def _unique(rows, limit: int) -> tuple[list, bool]:
    seen, kept = set(), []
    for row in rows:
        if row.pk not in seen:
            seen.add(row.pk)
            kept.append(row)
    return kept[:limit], len(kept) > limit


# --- Customers and styles: small tables, also the keys that find orders --------------------------------


def _customers_first(user, qs):
    """`qs` with the customers whose account owner's orders `user` sees first (their own, their team's):
    the ones they mean, and the ones whose orders the Orders group then finds."""
    own = order_visibility(user)
    if not own:  # sees every order: no customer comes first
        return qs.order_by("code")
    return qs.annotate(theirs=Case(When(own, then=Value(0)), default=Value(1))).order_by("theirs", "code")


def _looked_up_in(visible, model) -> tuple:
    """Where a kind's matches are looked up, and whether the viewer's group shows them: what the viewer may
    see of the kind; or, for a role its selector gives none of it (HR has no product master), all of it,
    as keys that only find orders the viewer sees. One query finds and checks each kind."""
    if isinstance(visible, EmptyQuerySet):
        return model.objects.all(), False
    return visible.select_related(None), True  # the groups show the rows' own columns only


def _matching_customers(user, customers, query: str) -> list[Customer]:
    direct = Q(code__istartswith=query) | Q(name_en__icontains=query) | Q(name_zh__icontains=query)
    return list(_customers_first(user, customers.filter(direct))[: MAX_KEYS + 1])


def _matching_products(products, query: str) -> list[Product]:
    direct = Q(style_no__istartswith=query) | Q(name_en__icontains=query) | Q(name_zh__icontains=query)
    return list(products.filter(direct).order_by("style_no")[: MAX_KEYS + 1])


def _similar_rows(qs, fields: tuple[str, ...], query: str, order: str) -> list:
    """The rows with a word like `query` in one of `fields`, most alike first: one query, whose OR the
    fields' trigram indexes answer together (a BitmapOr). Only the closest few: a typo stands for what it
    was meant to be, not for every name that shares most of its letters."""
    similar = Q()
    for name in fields:
        similar |= Q(_similar(name, query))
    likenesses = [TrigramWordSimilarity(query, name) for name in fields]
    likeness = Greatest(*likenesses) if len(likenesses) > 1 else likenesses[0]
    return list(qs.filter(similar).order_by(likeness.desc(), order)[: PER_GROUP + 1])


def _similar_customers(customers, query: str) -> list[Customer]:
    # A name typed in Chinese is like the Chinese name, one in letters like the English one.
    field_name = "name_zh" if HAN.search(query) else "name_en"
    return _similar_rows(customers, (field_name,), query, "code")


def _similar_products(products, query: str) -> list[Product]:
    return _similar_rows(products, ("style_no", "name_en"), query, "style_no")


def _customers_group(user, customers: list[Customer]) -> Group:
    rows, more = customers[:PER_GROUP], len(customers) > PER_GROUP
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


def _products_group(user, products: list[Product]) -> Group:
    rows, more = products[:PER_GROUP], len(products) > PER_GROUP
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


def _orders_by_prefix(user, query: str, field_name: str, limit: int) -> list:
    """The visible orders whose `field_name` (number or PO) starts with `query`, highest first: read from
    the field's prefix key, which stops at `limit` rows however many match."""
    if len(query) < MIN_LENGTH_BIG_TABLES:
        return []
    visible = orders_visible_to(user).select_related("customer").only(*ORDER_FIELDS)
    matching = visible.alias(key=_prefix_key(field_name)).filter(key__startswith=query.upper())
    return list(matching.order_by("-key")[:limit])


def _orders_group(user, query: str, by_prefix: list, customers: list[Customer], products: list[Product]) -> Group:
    """Orders found by number or PO first, then those of a customer, then those with a style the query
    names: each branch one index lookup."""
    visible = orders_visible_to(user).select_related("customer").only(*ORDER_FIELDS).order_by("-received_at", "-id")
    take = PER_GROUP + 1
    branches = [by_prefix]
    customer_ids = [c.pk for c in customers[:ORDER_KEYS]]
    if customer_ids:
        branches.append(visible.filter(customer_id__in=customer_ids)[:take])
    # A style on an order line is part of the order, which the viewer sees: the product master's own
    # visibility (products_visible_to) is for the Styles group, not for finding orders.
    product_ids = [p.pk for p in products[:ORDER_KEYS]]
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


ORDER_OF_ROW = ("order__id", "order__number", "order__customer_po", "order__customer__id")
ORDER_OF_ROW += ("order__customer__name_zh", "order__customer__name_en")
CASE_FIELDS = ("id", "subject", "status", "opened_at", "order_id", *ORDER_OF_ROW)
SHIPMENT_FIELDS = ("id", "seq", "tracking_number", "ship_date", "order_id", "carrier__id", "carrier__name_zh")
SHIPMENT_FIELDS += ("carrier__name_en", *ORDER_OF_ROW)


def _words_of_a_subject(query: str) -> bool:
    """Whether the query is long enough to look for in cases' subjects: three characters, or two Chinese
    ones, a whole word in Chinese (色差, 破损)."""
    return len(query) >= MIN_LENGTH_BIG_TABLES or bool(HAN.search(query))


def _cases_group(user, query: str, order_ids: list[int], *, subjects: bool) -> Group:
    visible = (
        cases_visible_to(user)
        .select_related("order", "order__customer")
        .only(*CASE_FIELDS)
        .order_by("-opened_at", "-id")
    )
    take = PER_GROUP + 1
    branches = []
    if reference := CASE_REFERENCE.match(query.replace(" ", "")):
        branches.append(visible.filter(pk=int(reference.group(1)))[:take])
    if subjects and _words_of_a_subject(query):
        branches.append(visible.filter(subject__icontains=query)[:take])
    if order_ids:
        branches.append(visible.filter(order_id__in=order_ids)[:take])
    rows, more = _unique(
        sorted({c for b in branches for c in b}, key=lambda c: (c.opened_at, c.pk), reverse=True), PER_GROUP
    )
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


def _shipments_group(user, query: str, order_ids: list[int]) -> Group:
    if len(query) < MIN_LENGTH_BIG_TABLES:
        return Group(key="shipments", title=_("Shipments"), hits=[])
    visible = (
        shipments_visible_to(user)
        .select_related("order", "order__customer", "carrier")
        .only(*SHIPMENT_FIELDS)
        .order_by("-ship_date", "-id")
    )
    take = PER_GROUP + 1
    tracking = visible.alias(key=_prefix_key("tracking_number")).filter(key__startswith=query.upper())
    branches = [tracking.order_by("-key")[:take]]
    if reference := SHIPMENT_REFERENCE.match(query):
        branches.append(visible.filter(order__number__iexact=reference.group(1), seq=int(reference.group(2)))[:take])
    if order_ids:
        branches.append(visible.filter(order_id__in=order_ids)[:take])
    found = {s for b in branches for s in b}
    rows, more = _unique(sorted(found, key=lambda s: (s.ship_date, s.pk), reverse=True), PER_GROUP)
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
