from django.contrib import admin

from core.admin import ReadOnlyAdmin

from .models import Document


@admin.register(Document)
class DocumentAdmin(ReadOnlyAdmin):
    list_display = ("original_name", "order", "kind", "version", "sha256", "uploaded_by", "uploaded_at")
    list_filter = ("kind",)
    search_fields = ("original_name", "order__number", "sha256")
    raw_id_fields = ("order", "shipment")
