import functools
import json

from django.contrib import admin
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import quote
from django.contrib.admin.views.main import ORDER_VAR, SEARCH_VAR, ChangeList
from django.core.paginator import Paginator
from django.db import connections
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.timezone import localtime
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core.dates import DateRuleAdminMixin

from .models import (
    ChecklistItem,
    Currency,
    Customer,
    CustomerApiToken,
    CustomerContact,
    Handover,
    Order,
    OrderEvent,
    OrderLine,
    Product,
    Unit,
)


@admin.register(Currency, Unit)
class CodeNameAdmin(admin.ModelAdmin):
    list_display = ("code", "name_zh", "name_en")


class ContactInline(admin.TabularInline):
    model = CustomerContact
    extra = 0


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ("code", "name_zh", "name_en", "country", "merchandiser")
    list_select_related = ("merchandiser",)
    search_fields = ("code", "name_zh", "name_en")
    inlines = [ContactInline]


@admin.register(CustomerApiToken)
class CustomerApiTokenAdmin(DateRuleAdminMixin, admin.ModelAdmin):
    list_display = ("customer", "label", "prefix", "created_at", "revoked_at")
    readonly_fields = ("prefix", "created_at")
    fields = ("customer", "label", "prefix", "created_at", "revoked_at")

    def has_add_permission(self, request):
        return False  # tokens are issued with `manage.py issue_api_token`, which shows the key once


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ("style_no", "name_zh", "name_en", "product_type", "unit")
    search_fields = ("style_no", "name_zh", "name_en")


@admin.register(ChecklistItem)
class ChecklistItemAdmin(admin.ModelAdmin):
    list_display = ("sequence", "code", "label_zh", "label_en", "active")
    list_editable = ("active",)


class ReadOnlyLinesInline(admin.TabularInline):
    model = OrderLine
    extra = 0
    can_delete = False
    readonly_fields = ("line_no", "product", "description", "quantity", "unit", "unit_price")
    fields = readonly_fields

    def has_add_permission(self, request, obj=None):
        return False


@functools.cache
def _state_labels(language: str | None) -> dict[str, str]:
    """The state and flag labels in one language, translated once (get_FOO_display() hashes every lazy
    choice label on each call: a quarter of the changelist's rendering)."""
    labels = {value: str(label) for value, label in Order._meta.get_field("status").flatchoices}
    labels.update(is_overdue=str(_("Overdue")), is_at_risk=str(_("At risk")), is_on_hold=str(_("On hold")))
    return labels


class CappedCount(int):
    """A count that stopped at its cap: the admin prints it as "1000+" (pagination, search summary)."""

    def __str__(self):
        return f"{int(self)}+"


class CappedCountPaginator(Paginator):
    """Counts at most `cap` matches, with COUNT(*) over a LIMIT subquery: exact for a search or a narrow
    filter, "1000+" (and 1000 / per_page pages) beyond, so neither the count nor a deep OFFSET reads a
    million rows. Narrow the list (filters, search, sort) to reach what lies past the cap.

    By default it counts in the list's own order, so along the index the page itself is read from; with
    count_in_order=False (a search) the database finds any cap + 1 matches by its cheapest path."""

    cap = 1000

    def __init__(self, *args, count_in_order=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.count_in_order = count_in_order

    @cached_property
    def count(self):
        matches = self.object_list if self.count_in_order else self.object_list.order_by()
        found = matches[: self.cap + 1].count()
        return CappedCount(self.cap) if found > self.cap else found


class OrderChangeList(ChangeList):
    """The order changelist shaped for a million rows: it sorts by received time only, newest or oldest
    first, which is an index range over the whole list and under each filter (state, channel and each flag
    have an index on received time), fetches only the columns shown, and builds the change link without
    a URL reverse per row.

    A search is the exception to "walk the index": a number or PO prefix is a different column than the
    sort, and its matches cluster in time (SO-2024-01... are all two years old), so walking newest-first
    until 50 of them turn up can read most of the table. Unless the search matches a large share of all
    orders, its matches are fetched through the prefix indexes and sorted instead."""

    sort_column = "received"
    default_ordering = ("-received_at", "-id")
    search_sort_max_rows = 200_000  # fetching and sorting 100,000 matches: 60-90 ms at a million orders
    shown_fields = (
        "number",
        "status",
        "customer_po",
        "delivery_date",
        "received_at",
        "is_overdue",
        "is_at_risk",
        "is_on_hold",
        "customer__name_zh",
        "customer__name_en",
        "merchandiser__username",
        "merchandiser__first_name",
        "merchandiser__last_name",
    )

    def get_queryset(self, request, exclude_parameters=None):
        qs = super().get_queryset(request, exclude_parameters).only(*self.shown_fields)
        if self.query and self._sort_search_matches(qs):
            # COALESCE(x, x) is x, but no index serves it: the database fetches the matches, then sorts.
            received, pk = qs.query.order_by
            key = Coalesce("received_at", "received_at")
            qs = qs.order_by(key.desc() if received.startswith("-") else key.asc(), pk)
        return qs

    def get_ordering(self, request, queryset):
        """Newest first, or oldest first (?o=<received column>); a hand-written ?o= naming another
        column, which no index serves, is ignored."""
        ascending = f"{self.list_display.index(self.sort_column)}" in self.params.get(ORDER_VAR, "").split(".")
        return ["received_at", "id"] if ascending else list(self.default_ordering)

    def _sort_search_matches(self, queryset) -> bool:
        if connections[queryset.db].vendor != "postgresql":
            return True  # a test database: any plan does
        plan = json.loads(queryset.order_by().values("pk").explain(format="json"))
        return plan[0]["Plan"]["Plan Rows"] <= self.search_sort_max_rows

    def get_results(self, request):
        super().get_results(request)
        # Each row links to its order and carries the list's filters there and back. Django re-parses
        # them and resolves the URL for every row: here they are put into one link template instead.
        opts = self.opts
        url = reverse(
            f"admin:{opts.app_label}_{opts.model_name}_change",
            args=("__pk__",),
            current_app=self.model_admin.admin_site.name,
        )
        self._change_url = add_preserved_filters({"preserved_filters": self.preserved_filters, "opts": opts}, url)
        self.preserved_filters = ""

    def url_for_result(self, result):
        return self._change_url.replace("__pk__", str(quote(result.pk)), 1)


@admin.register(Order)
class OrderAdmin(SimpleHistoryAdmin):
    """Read-only: orders change only through the services (state machine, audit events).

    The changelist serves a million orders: newest first as an index range, search by number or PO
    prefix (indexed on UPPER(...)), filters on state, channel and the flags (each has an index), no
    full count and no facet counts (see OrderChangeList, CappedCountPaginator). Its cells are plain
    strings from list_display methods: Django's per-field display machinery (choices, dates, lazy
    labels) was most of the page's CPU."""

    list_display = (
        "order_number",
        "state",
        "customer_name",
        "customer_po",
        "merchandiser_name",
        "delivery",
        "received",
    )
    list_select_related = ("customer", "merchandiser")
    list_filter = ("status", "channel", "is_overdue", "is_at_risk")
    list_per_page = 50
    search_fields = ("^number", "^customer_po")
    search_help_text = _("Order number or customer PO, whole or its beginning (e.g. SO-2026-).")
    sortable_by = (OrderChangeList.sort_column,)
    ordering = OrderChangeList.default_ordering
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER  # a facet is a COUNT per filter option over the whole table
    paginator = CappedCountPaginator
    raw_id_fields = ("customer", "merchandiser", "currency", "created_by")
    inlines = [ReadOnlyLinesInline]

    def get_changelist(self, request, **kwargs):
        return OrderChangeList

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        # A search's matches are found through the prefix indexes, not in list order (OrderChangeList).
        searching = bool(request.GET.get(SEARCH_VAR))
        return self.paginator(queryset, per_page, orphans, allow_empty_first_page, count_in_order=not searching)

    @cached_property
    def empty_value_display(self):
        # The site's, read once: get_empty_value_display() otherwise raises and catches an
        # AttributeError for every cell of the changelist.
        return self.admin_site.empty_value_display

    @admin.display(description=_("order number"))
    def order_number(self, obj):
        return obj.display_number

    @admin.display(description=_("state"))
    def state(self, obj):
        labels = _state_labels(get_language())
        flags = [name for name in ("is_overdue", "is_at_risk", "is_on_hold") if getattr(obj, name)]
        state = labels.get(obj.status, obj.status)
        return " · ".join([state, *(labels[flag] for flag in flags)]) if flags else state

    @admin.display(description=_("customer"))
    def customer_name(self, obj):
        return str(obj.customer)

    @admin.display(description=_("merchandiser"))
    def merchandiser_name(self, obj):
        return str(obj.merchandiser)

    @admin.display(description=_("promised delivery date"))
    def delivery(self, obj):
        return obj.delivery_date.isoformat()

    @admin.display(description=_("received at"), ordering="received_at")
    def received(self, obj):
        return localtime(obj.received_at).strftime("%Y-%m-%d\u00a0%H:%M")  # no line break inside

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(OrderEvent)
class OrderEventAdmin(admin.ModelAdmin):
    """The work record is append-only: visible here, never editable or deletable."""

    list_display = ("created_at", "order", "type", "actor", "from_state", "to_state")
    list_select_related = ("order__customer", "actor")
    list_filter = ("type",)
    raw_id_fields = ("order",)
    show_full_result_count = False
    paginator = CappedCountPaginator  # millions of events: count at most a thousand

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Handover)
class HandoverAdmin(DateRuleAdminMixin, admin.ModelAdmin):
    list_display = ("at", "from_user", "to_user", "by", "order_count")

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
