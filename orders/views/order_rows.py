"""The order list's header and rows as HTML, written in Python.

The list is the page people open most, and at 25 rows its cells were the largest part of its cost:
Django's template engine resolves the ~15 variables and filters of a row in about 90 µs, Django's own
escape() and date filter are lazy-aware and locale-aware on every call. Here each value is escaped with
the standard library's html.escape (what django.utils.html.escape calls underneath) and the per-language
work (labels, flags, the link pattern) is done once a page: about 15 µs a row.

The columns, their headings and the sorting come from orders.tables.OrderTable (which also writes the
exports); the header here is its columns as django-tables2 would draw them, sort links included. Keep
the row's cells in step with the table's columns when one changes.
"""

from collections.abc import Iterable
from html import escape

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from accounts.models import User

from ..models import Channel, Order, OrderState
from ..models.master import BilingualNameMixin

_ROW = (
    '<tr class="{parity}"><td><a href="{url}">{number}</a></td><td>{customer}</td><td>{po}</td>'
    '<td><span class="badge state-{status}">{status_label}</span>{flags}</td><td>{delivery}</td>'
    "<td>{merchandiser}</td><td>{channel}</td><td>{received}</td></tr>"
)
_FLAGS = (
    ("is_overdue", "overdue", _("Overdue")),
    ("is_at_risk", "risk", _("At risk")),
    ("is_on_hold", "hold", _("On hold")),
)
_PLACEHOLDER = 987654321987  # reverse() once a page, not once a row


# --- The list's rows as read by values_list: building 26 orders with their customer and merchandiser as
# model instances (78 of them) cost more than writing the rows out. What a row shows of each comes from the
# models' own properties (display number, name in the request's language, full name), borrowed below so
# there is one rule for both.
class _Customer:
    __slots__ = ("pk", "name_zh", "name_en")
    name = BilingualNameMixin.name
    __str__ = BilingualNameMixin.__str__

    def __init__(self, pk, name_zh, name_en):
        self.pk, self.name_zh, self.name_en = pk, name_zh, name_en


class _Person:
    __slots__ = ("pk", "username", "first_name", "last_name")
    get_full_name = User.get_full_name
    __str__ = User.__str__

    def __init__(self, pk, username, first_name, last_name):
        self.pk, self.username, self.first_name, self.last_name = pk, username, first_name, last_name


_OWN_FIELDS = (
    *("pk", "number", "status", "channel", "customer_po", "delivery_date", "received_at"),
    *("is_overdue", "is_at_risk", "is_on_hold", "customer_id", "merchandiser_id"),
)


class OrderRow:
    """One row of the order list from a `values_list(*ORDER_LIST_FIELDS)` tuple: the order's own fields,
    then its customer's three and its merchandiser's four, as attributes."""

    __slots__ = (*_OWN_FIELDS, "customer", "merchandiser")
    display_number = Order.display_number

    def __init__(self, values: tuple):
        for name, value in zip(_OWN_FIELDS, values, strict=False):
            setattr(self, name, value)
        own = len(_OWN_FIELDS)
        self.customer = _Customer(*values[own : own + 3])
        self.merchandiser = _Person(*values[own + 3 : own + 7])


def order_rows_from_values(values: Iterable[tuple]) -> list[OrderRow]:
    return [OrderRow(row) for row in values]


def flag_spans() -> list[tuple[str, str]]:
    """Each flag's attribute and its span in the request's language, as orders/_flags.html draws them:
    worked out once a page by every writer of order rows."""
    return [
        (attribute, f' <span class="flag flag-{css}">{escape(str(label))}</span>') for attribute, css, label in _FLAGS
    ]


def flags_html(order, spans: list[tuple[str, str]]) -> str:
    return "".join(span for attribute, span in spans if getattr(order, attribute))


def order_rows_html(orders: Iterable[Order]) -> SafeString:
    # Once a page, in the request's language.
    states = {value: escape(str(label)) for value, label in OrderState.choices}
    channels = {value: escape(str(label)) for value, label in Channel.choices}
    flags = flag_spans()
    url_prefix, _, url_suffix = reverse("orders:detail", kwargs={"pk": _PLACEHOLDER}).partition(str(_PLACEHOLDER))
    zone = timezone.get_current_timezone()
    rows = []
    for index, order in enumerate(orders):
        rows.append(
            _ROW.format(
                parity="odd" if index % 2 else "even",
                url=escape(f"{url_prefix}{order.pk}{url_suffix}"),
                number=escape(order.display_number),
                customer=escape(str(order.customer)),
                po=escape(order.customer_po or "—"),
                status=escape(order.status),
                status_label=states.get(order.status) or escape(order.status),
                flags=flags_html(order, flags),
                # ISO dates in both languages, as the received time: unambiguous to every customer.
                delivery=order.delivery_date.isoformat() if order.delivery_date else "",
                merchandiser=escape(str(order.merchandiser)),
                channel=channels.get(order.channel) or escape(order.channel),
                received=order.received_at.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
            )
        )
    return mark_safe("\n".join(rows))  # noqa: S308 - every value above is escaped


_SUMMARY_ROW = (
    '<tr><td><a href="{url}">{number}</a></td><td>{customer}</td><td><span class="badge state-{status}">'
    "{status_label}</span>{flags}</td><td>{delivery}</td><td>{merchandiser}</td></tr>"
)


def order_summary_rows_html(orders: Iterable[Order]) -> SafeString:
    """The dashboards' short order tables (templates/dashboards/_recent.html): number, customer, state with
    its flags, delivery date (in the language's date format, as the template showed it), merchandiser."""
    states = {value: escape(str(label)) for value, label in OrderState.choices}
    flags = flag_spans()
    url_prefix, _, url_suffix = reverse("orders:detail", kwargs={"pk": _PLACEHOLDER}).partition(str(_PLACEHOLDER))
    rows = [
        _SUMMARY_ROW.format(
            url=escape(f"{url_prefix}{order.pk}{url_suffix}"),
            number=escape(order.display_number),
            customer=escape(str(order.customer)),
            status=escape(order.status),
            status_label=states.get(order.status) or escape(order.status),
            flags=flags_html(order, flags),
            delivery=escape(formats.localize(order.delivery_date)) if order.delivery_date else "",
            merchandiser=escape(str(order.merchandiser)),
        )
        for order in orders
    ]
    return mark_safe("\n".join(rows))  # noqa: S308 - every value above is escaped


def order_header_html(table, query) -> SafeString:
    """The table's heading row: each column a sort link that keeps the filters and starts again at page 1;
    the sorted column marked for screen readers (aria-sort) and for the stylesheet (asc/desc)."""
    cells = []
    for column in table.columns:
        if not column.orderable:
            cells.append(f"<th>{escape(str(column.header))}</th>")
            continue
        params = query.copy()
        for key in ("page", "after", "before"):
            params.pop(key, None)
        params["sort"] = column.order_by_alias.next
        classes, aria = "orderable", ""
        if column.is_ordered:
            descending = column.order_by_alias.is_descending
            classes = f"{'desc' if descending else 'asc'} orderable"
            aria = f' aria-sort="{"descending" if descending else "ascending"}"'
        cells.append(
            f'<th class="{classes}"{aria}><a href="?{escape(params.urlencode())}">{escape(str(column.header))}</a></th>'
        )
    return mark_safe(f"<tr>{''.join(cells)}</tr>")  # noqa: S308 - every value above is escaped
