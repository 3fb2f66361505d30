from django.contrib import admin
from django.core.paginator import Paginator
from django.utils.functional import cached_property
from simple_history.admin import SimpleHistoryAdmin

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


class NoCountPaginator(Paginator):
    """The admin changelist at a million orders: never COUNT(*) the table."""

    @cached_property
    def count(self):
        return 10**9


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
class CustomerApiTokenAdmin(admin.ModelAdmin):
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


@admin.register(Order)
class OrderAdmin(SimpleHistoryAdmin):
    """Read-only: orders change only through the services (state machine, audit events)."""

    list_display = (
        "number",
        "status",
        "customer",
        "customer_po",
        "merchandiser",
        "delivery_date",
        "received_at",
    )
    list_select_related = ("customer", "merchandiser")
    list_filter = ("status", "channel", "is_overdue", "is_at_risk")
    search_fields = ("=number", "=customer_po")
    show_full_result_count = False
    paginator = NoCountPaginator
    raw_id_fields = ("customer", "merchandiser", "currency", "created_by")
    inlines = [ReadOnlyLinesInline]

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
    list_select_related = ("order", "actor")
    list_filter = ("type",)
    raw_id_fields = ("order",)
    show_full_result_count = False
    paginator = NoCountPaginator

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Handover)
class HandoverAdmin(admin.ModelAdmin):
    list_display = ("at", "from_user", "to_user", "by", "order_count")

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
