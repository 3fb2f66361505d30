from django.contrib import admin

from core.admin import ReadOnlyAdmin

from .models import Carrier, Shipment, ShipmentDocument, ShipmentLine, StatusLink


@admin.register(Carrier)
class CarrierAdmin(admin.ModelAdmin):
    list_display = ("code", "name_zh", "name_en", "default_mode", "active")
    list_filter = ("active", "default_mode")
    search_fields = ("code", "name_zh", "name_en")


class ShipmentLineInline(admin.TabularInline):
    model = ShipmentLine
    extra = 0
    can_delete = False
    readonly_fields = ("order_line", "quantity")

    def has_add_permission(self, request, obj=None):
        return False


class ShipmentDocumentInline(admin.TabularInline):
    model = ShipmentDocument
    extra = 0
    can_delete = False
    fields = ("kind", "original_name", "size", "uploaded_by", "uploaded_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Shipment)
class ShipmentAdmin(ReadOnlyAdmin):
    """Read-only: shipments change only through logistics.services (they move the order)."""

    list_display = ("__str__", "carrier", "mode", "tracking_number", "ship_date", "eta", "delivered_on")
    list_select_related = ("order", "carrier")
    list_filter = ("mode", "carrier")
    search_fields = ("=tracking_number", "=order__number")
    raw_id_fields = ("order",)
    inlines = [ShipmentLineInline, ShipmentDocumentInline]


@admin.register(StatusLink)
class StatusLinkAdmin(admin.ModelAdmin):
    list_display = ("order", "created_at", "rotated_at", "revocations", "last_viewed_at")
    list_select_related = ("order",)
    raw_id_fields = ("order",)
    fields = ("order", "created_at", "rotated_at", "revocations", "last_viewed_at")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False
