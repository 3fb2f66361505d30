from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tables2 import RequestConfig
from django_tables2.export import TableExport
from django_tables2.paginators import LazyPaginator

from accounts.roles import user_roles

from ..filters import OrderFilter
from ..selectors import order_list_queryset
from ..tables import OrderTable

PAGE_SIZES = (25, 50, 100, 500)


def _filtered(request):
    if not user_roles(request.user):
        raise Http404
    order_filter = OrderFilter(request.GET or None, queryset=order_list_queryset(user=request.user))
    return order_filter, order_filter.qs


@login_required
def order_list(request):
    """Search, filter, sort. The paginator never counts the table: it fetches one row past the page."""
    order_filter, qs = _filtered(request)
    table = OrderTable(qs)
    try:
        per_page = int(request.GET.get("per_page", 25))
    except ValueError:
        per_page = 25
    per_page = per_page if per_page in PAGE_SIZES else 25
    RequestConfig(request, paginate={"paginator_class": LazyPaginator, "per_page": per_page}).configure(table)
    context = {"filter": order_filter, "table": table, "page_sizes": PAGE_SIZES, "per_page": per_page}
    return render(request, "orders/list.html", context)


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
    table = OrderTable(rows)
    exporter = TableExport(fmt, table)
    return exporter.response(f"orders-{timezone.localdate():%Y%m%d}.{fmt}")
