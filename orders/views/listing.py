import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django_tables2 import RequestConfig
from django_tables2.paginators import LazyPaginator

from accounts.lists import ListSpec, personal_list, personal_list_post
from accounts.models import User
from accounts.roles import user_roles
from core.bilingual import BilingualName
from core.exports import export_response
from core.jinja2 import render_fragment

from ..filters import OrderFilter
from ..models import Channel, Order, OrderState
from ..selectors import order_export_rows, order_list_keyset_page, order_list_queryset, owner_scope
from ..tables import OrderTable

PAGE_SIZES = (25, 50, 100, 500)
FILTER_OPTIONS_MAX_AGE = 60  # seconds: a new customer shows in the filter within a minute
ORDER_LIST = ListSpec(key="orders", filterset_class=OrderFilter, table_class=OrderTable, required=("number",))

logger = logging.getLogger(__name__)


def _filtered(request):
    if not user_roles(request.user):
        raise Http404
    # Bound only when a filter is asked for: paging and sorting alone need no form built and validated.
    filtering = any(name in OrderFilter.base_filters for name in request.GET)
    order_filter = OrderFilter(
        request.GET if filtering else None, queryset=order_list_queryset(user=request.user), request=request
    )
    return order_filter, order_filter.qs


@login_required
def order_list(request):
    """Search, filter, sort. Nothing counts the table: a page fetches one row past its end to know
    whether there is a next one. In the default sort (newest first) pages are found by position
    (keyset: the pager's links carry the last or first row seen), so page 2,000 costs what page 1
    costs; other sorts page by OFFSET. A POST saves or deletes a filter of the person's, or their columns."""
    if request.method == "POST":
        return personal_list_post(request, ORDER_LIST)
    personal = personal_list(request, ORDER_LIST)
    if personal.redirect:
        return personal.redirect
    order_filter, qs = _filtered(request)
    try:
        per_page = int(request.GET.get("per_page", 25))
    except ValueError:
        per_page = 25
    per_page = per_page if per_page in PAGE_SIZES else 25
    if request.GET.get("sort", DEFAULT_SORT) == DEFAULT_SORT:
        rows, pager = _keyset_page(request, qs, per_page)
        table = personal.table(rows)
        RequestConfig(request, paginate=False).configure(table)
        # The rows are this page already: paged as page 1, so table.page is there as usual.
        table.paginate(paginator_class=LazyPaginator, per_page=per_page, page=1)
    else:
        table = personal.table(qs)
        RequestConfig(request, paginate=False).configure(table)
        _offset_paginate(table, per_page=per_page, number=_page_number(request))
        pager = _offset_pager(request, table.page)
    # django-tables2 sorts and pages; the table is drawn by a Jinja2 fragment (orders/_order_table.html):
    # its Django template, {% render_table %}, cost more than the rest of the page.
    context = {
        "filter": order_filter,
        "filter_key": _filter_key(request, order_filter),
        "table": table,
        "rows": [row.record for row in table.page.object_list],
        "pager": pager,
        "page_sizes": PAGE_SIZES,
        "per_page": per_page,
        "personal": personal,
    }
    return render(request, "orders/list.html", context)


def _page_number(request) -> int:
    """?page= as a number from 1 to _MAX_PAGE: anything else is page 1, a huge one the last we offer
    (an OFFSET past a 64-bit integer is a database error, not an empty page)."""
    try:
        return min(max(1, int(request.GET.get("page", 1))), _MAX_PAGE)
    except ValueError:
        return 1


def _offset_paginate(table, *, per_page: int, number: int) -> None:
    try:
        table.paginate(paginator_class=LazyPaginator, per_page=per_page, page=number)
    except (EmptyPage, PageNotAnInteger):  # past the end: the first page, as the keyset pager does
        table.paginate(paginator_class=LazyPaginator, per_page=per_page, page=1)


def _offset_pager(request, page) -> "KeysetPager":
    """Previous/Next links of an OFFSET-paged sort, in the keyset pager's shape."""

    def link(number: int) -> str:
        query = request.GET.copy()
        query["page"] = str(number)
        return f"?{query.urlencode()}"

    return KeysetPager(
        number=page.number,
        previous_url=link(page.number - 1) if page.has_previous() else None,
        next_url=link(page.number + 1) if page.has_next() else None,
    )


def _filter_key(request, order_filter) -> str:
    """What the rendered filter form depends on (besides the language): its own fields and the page size,
    not the page or the sort, so paging through a list reuses one cached form."""
    fields = {*order_filter.filters, "per_page"}  # the filters' names, without building the form
    chosen = urlencode(sorted((k, v) for k in request.GET if k in fields for v in request.GET.getlist(k)))
    # The owner filter's choices depend on whose orders the person sees.
    return f"{owner_scope(request.user)}:{chosen}"


# --- keyset paging of the default sort ----------------------------------------------------------------
# Newest first is ORDER BY received_at DESC, id DESC: order_recv_idx and order_owner_recv_idx serve it,
# so "the 25 rows after (received_at, id)" is an index range, however deep.

DEFAULT_SORT = "-received_at"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class KeysetPager:
    number: int
    previous_url: str | None
    next_url: str | None


def keyset_cursor(order) -> str:
    """A row's position in the default sort, as the pager's links carry it: "<µs since epoch>_<id>"."""
    return f"{(order.received_at - _EPOCH) // timedelta(microseconds=1)}_{order.pk}"


_MAX_MICROS = (datetime(9999, 1, 1, tzinfo=UTC) - _EPOCH) // timedelta(microseconds=1)
_MAX_ID = 2**63 - 1
_MAX_PAGE = 1_000_000


def _parse_cursor(value: str | None):
    """(received_at, id) from a pager link, or None for anything else (a tampered link shows page 1)."""
    micros, _, pk = (value or "").partition("_")
    if not (micros.isdigit() and pk.isdigit() and len(micros) <= 20 and len(pk) <= 20):
        return None
    if int(micros) > _MAX_MICROS or int(pk) > _MAX_ID:
        return None
    return _EPOCH + timedelta(microseconds=int(micros)), int(pk)


# --- The list's rows as read by values(): building 26 orders with their customer and merchandiser as model
# instances (78 of them) costs more than drawing the rows. What a row shows of each comes from the models'
# own rules (display number, name in the request's language, full name), borrowed, so there is one rule.
class _Customer:
    __slots__ = ("pk", "name_zh", "name_en")
    name = BilingualName.name
    __str__ = BilingualName.__str__

    def __init__(self, pk, name_zh, name_en):
        self.pk, self.name_zh, self.name_en = pk, name_zh, name_en


class _Person:
    __slots__ = ("pk", "username", "first_name", "last_name")
    get_full_name = User.get_full_name
    __str__ = User.__str__

    def __init__(self, pk, username, first_name, last_name):
        self.pk, self.username, self.first_name, self.last_name = pk, username, first_name, last_name


_STATE_LABELS, _CHANNEL_LABELS = dict(OrderState.choices), dict(Channel.choices)


class OrderRow:
    """One row of the order list from a `values(*ORDER_LIST_FIELDS)` dict: the order's own fields as
    attributes, its customer and merchandiser as small objects, each read by name."""

    display_number = Order.display_number

    def __init__(self, values: dict):
        for name, value in values.items():
            if "__" not in name:
                setattr(self, name, value)
        self.pk = values["id"]
        self.customer = _Customer(values["customer__id"], values["customer__name_zh"], values["customer__name_en"])
        self.merchandiser = _Person(
            values["merchandiser__id"],
            values["merchandiser__username"],
            values["merchandiser__first_name"],
            values["merchandiser__last_name"],
        )

    def get_status_display(self) -> str:
        return str(_STATE_LABELS.get(self.status, self.status))

    def get_channel_display(self) -> str:
        return str(_CHANNEL_LABELS.get(self.channel, self.channel))


def _keyset_page(request, qs, per_page: int) -> tuple[list, KeysetPager]:
    page = order_list_keyset_page(
        qs,
        per_page=per_page,
        number=_page_number(request),
        after=_parse_cursor(request.GET.get("after")),
        before=_parse_cursor(request.GET.get("before")),
    )
    rows, number = [OrderRow(values) for values in page.rows], page.number

    def link(**params):
        query = request.GET.copy()
        for key in ("after", "before", "page"):
            query.pop(key, None)
        query.update({k: v for k, v in params.items() if v is not None})
        return f"?{query.urlencode()}"

    previous_url = next_url = None
    if page.has_previous:
        if number <= 2:
            previous_url = link()
        elif rows:
            previous_url = link(before=keyset_cursor(rows[0]), page=number - 1)
        else:
            previous_url = link(page=number - 1)
    if page.has_next and rows:
        next_url = link(after=keyset_cursor(rows[-1]), page=number + 1)
    return rows, KeysetPager(number=number, previous_url=previous_url, next_url=next_url)


@login_required
def order_export(request, fmt):
    """The filtered rows as CSV or XLSX, capped so one click cannot dump a million rows. The columns are the
    ones the person chose to show."""
    if fmt not in ("csv", "xlsx"):
        raise Http404
    personal = personal_list(request, ORDER_LIST)
    order_filter, qs = _filtered(request)
    limit = settings.ORDER_EXPORT_MAX_ROWS
    rows = order_export_rows(qs, limit=limit)
    if len(rows) > limit:
        messages.error(request, _("More than %(n)d orders match. Narrow the filter before exporting.") % {"n": limit})
        return redirect(f"{request.path.rsplit('export', 1)[0]}?{request.GET.urlencode()}")
    return export_response(personal.table(rows), fmt=fmt, title=_("Orders"), filename="orders")


@login_required
def order_filter_options(request, field):
    """The <option>s of a long filter select (see orders.filters.LazySelect), the current choice
    selected. The choices are kept in the cache per field and language, and by the browser, for a minute."""
    if field not in ("customer", "merchandiser") or not user_roles(request.user):
        raise Http404
    # Owners: the people this person may see (orders.selectors.owners_visible_to), cached per scope.
    scope = owner_scope(request.user) if field == "merchandiser" else "all"
    key = f"orders:filter-options:v3:{field}:{scope}:{get_language()}"
    try:
        choices = cache.get(key)
    except Exception:  # noqa: BLE001 - a cache outage costs a query, not the page
        logger.warning("cache unavailable", exc_info=True)
        choices = None
    if choices is None:
        choices = _filter_choices(request, field)
        try:
            cache.set(key, choices, FILTER_OPTIONS_MAX_AGE)
        except Exception:  # noqa: BLE001
            logger.warning("cache unavailable", exc_info=True)
    context = {"choices": choices, "chosen": request.GET.get(field, "")}
    response = HttpResponse(render_fragment("orders/_filter_options.html", context, request))
    response["Cache-Control"] = f"private, max-age={FILTER_OPTIONS_MAX_AGE}"
    return response


def _filter_choices(request, field: str) -> list[tuple[str, str]]:
    """(value, label) of every option, the empty one first, as the filter's own field labels them."""
    form = OrderFilter(queryset=Order.objects.none(), request=request).form
    if field not in form.fields:  # a merchandiser's list has no owner filter
        raise Http404
    form_field = form.fields[field]
    return [("", str(form_field.empty_label or ""))] + [
        (str(obj.pk), str(form_field.label_from_instance(obj))) for obj in form_field.queryset
    ]
