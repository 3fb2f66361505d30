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
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django_tables2 import RequestConfig
from django_tables2.paginators import LazyPaginator

from accounts.roles import user_roles

from ..exports import CSV_TYPE, XLSX_TYPE, table_csv, table_xlsx
from ..filters import OrderFilter
from ..models import Order
from ..selectors import ORDER_LIST_FIELDS, order_list_queryset
from ..tables import OrderTable
from .order_rows import OrderRow, order_header_html, order_rows_from_values, order_rows_html

PAGE_SIZES = (25, 50, 100, 500)
FILTER_OPTIONS_MAX_AGE = 60  # seconds: a new customer shows in the filter within a minute

logger = logging.getLogger(__name__)


def _filtered(request):
    if not user_roles(request.user):
        raise Http404
    # Bound only when a filter is asked for: paging and sorting alone need no form built and validated.
    filtering = any(name in OrderFilter.base_filters for name in request.GET)
    order_filter = OrderFilter(request.GET if filtering else None, queryset=order_list_queryset(user=request.user))
    return order_filter, order_filter.qs


@login_required
def order_list(request):
    """Search, filter, sort. Nothing counts the table: a page fetches one row past its end to know
    whether there is a next one. In the default sort (newest first) pages are found by position
    (keyset: the pager's links carry the last or first row seen), so page 2,000 costs what page 1
    costs; other sorts page by OFFSET."""
    order_filter, qs = _filtered(request)
    try:
        per_page = int(request.GET.get("per_page", 25))
    except ValueError:
        per_page = 25
    per_page = per_page if per_page in PAGE_SIZES else 25
    if request.GET.get("sort", DEFAULT_SORT) == DEFAULT_SORT:
        rows, pager = _keyset_page(request, qs, per_page)
        table = OrderTable(rows)
        RequestConfig(request, paginate=False).configure(table)
        # The rows are this page already: paged as page 1, so table.page is there as usual.
        table.paginate(paginator_class=LazyPaginator, per_page=per_page, page=1)
    else:
        table = OrderTable(qs)
        RequestConfig(request, paginate=False).configure(table)
        _offset_paginate(table, per_page=per_page, number=_page_number(request))
        pager = _offset_pager(request, table.page)
    # django-tables2 sorts and pages; the markup is written out (orders/views/order_rows.py): its
    # {% render_table %} cost more than the rest of the page's template.
    context = {
        "filter": order_filter,
        "filter_key": _filter_key(request, order_filter),
        "table": table,
        "header_html": order_header_html(table, request.GET),
        "rows_html": order_rows_html(row.record for row in table.page.object_list),
        "pager": pager,
        "page_sizes": PAGE_SIZES,
        "per_page": per_page,
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
    return urlencode(sorted((k, v) for k in request.GET if k in fields for v in request.GET.getlist(k)))


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


def _rows(qs, limit: int) -> list[OrderRow]:
    return order_rows_from_values(qs.values_list(*ORDER_LIST_FIELDS)[:limit])


def _keyset_page(request, qs, per_page: int) -> tuple[list, KeysetPager]:
    after, before = _parse_cursor(request.GET.get("after")), _parse_cursor(request.GET.get("before"))
    number = _page_number(request)
    newest_first = qs.order_by("-received_at", "-id")
    if before:  # the page above `before`: walk up from it, then turn the rows round
        at, pk = before
        above = qs.filter(received_at__gte=at).exclude(received_at=at, id__lte=pk).order_by("received_at", "id")
        rows = _rows(above, per_page + 1)
        has_previous, has_next = len(rows) > per_page, True
        rows = rows[:per_page][::-1]
    else:
        if after:  # `received_at <= at` bounds the index scan; the exclude drops the ties already shown
            at, pk = after
            page = newest_first.filter(received_at__lte=at).exclude(received_at=at, id__gte=pk)
        elif number > 1:  # a typed ?page=N: OFFSET, over the ids only (an index-only scan), then the rows
            offset = (number - 1) * per_page
            page = newest_first.filter(pk__in=newest_first.values("pk")[offset : offset + per_page + 1])
        else:
            page = newest_first
        rows = _rows(page, per_page + 1)
        if not rows and number > 1 and not after:  # past the end: the first page, as the paginator did
            number, rows = 1, _rows(newest_first, per_page + 1)
        has_previous, has_next = number > 1, len(rows) > per_page
        rows = rows[:per_page]

    def link(**params):
        query = request.GET.copy()
        for key in ("after", "before", "page"):
            query.pop(key, None)
        query.update({k: v for k, v in params.items() if v is not None})
        return f"?{query.urlencode()}"

    previous_url = next_url = None
    if has_previous:
        if number <= 2:
            previous_url = link()
        elif rows:
            previous_url = link(before=keyset_cursor(rows[0]), page=number - 1)
        else:
            previous_url = link(page=number - 1)
    if has_next and rows:
        next_url = link(after=keyset_cursor(rows[-1]), page=number + 1)
    return rows, KeysetPager(number=number, previous_url=previous_url, next_url=next_url)


@login_required
def order_export(request, fmt):
    """The filtered rows as CSV or XLSX, capped so one click cannot dump a million rows."""
    if fmt not in ("csv", "xlsx"):
        raise Http404
    order_filter, qs = _filtered(request)
    limit = settings.ORDER_EXPORT_MAX_ROWS
    rows = list(qs.order_by("-received_at", "-id")[: limit + 1])
    if len(rows) > limit:
        messages.error(request, _("More than %(n)d orders match. Narrow the filter before exporting.") % {"n": limit})
        return redirect(f"{request.path.rsplit('export', 1)[0]}?{request.GET.urlencode()}")
    values = OrderTable(rows).as_values()
    if fmt == "csv":
        response = HttpResponse(table_csv(values), content_type=CSV_TYPE)
    else:
        response = HttpResponse(table_xlsx(values, title=_("Orders")), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="orders-{timezone.localdate():%Y%m%d}.{fmt}"'
    return response


@login_required
def order_filter_options(request, field):
    """The <option>s of a long filter select (see orders.filters.LazySelect), the current choice
    selected. One fragment per field and language, kept in the cache and by the browser for a minute."""
    if field not in ("customer", "merchandiser") or not user_roles(request.user):
        raise Http404
    key = f"orders:filter-options:{field}:{get_language()}"
    try:
        html = cache.get(key)
    except Exception:  # noqa: BLE001 - a cache outage costs a render, not the page
        logger.warning("cache unavailable", exc_info=True)
        html = None
    if html is None:
        html = _filter_options_html(field)
        try:
            cache.set(key, html, FILTER_OPTIONS_MAX_AGE)
        except Exception:  # noqa: BLE001
            logger.warning("cache unavailable", exc_info=True)
    chosen = request.GET.get(field, "")
    if chosen.isdigit():
        html = html.replace(f'<option value="{chosen}">', f'<option value="{chosen}" selected>', 1)
    response = HttpResponse(html)
    response["Cache-Control"] = f"private, max-age={FILTER_OPTIONS_MAX_AGE}"
    return response


def _filter_options_html(field: str) -> str:
    form_field = OrderFilter(queryset=Order.objects.none()).form.fields[field]
    options = format_html_join(
        "",
        '<option value="{}">{}</option>',
        ((obj.pk, form_field.label_from_instance(obj)) for obj in form_field.queryset),
    )
    return str(format_html('<option value="">{}</option>{}', form_field.empty_label or "", options))
