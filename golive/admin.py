from django.contrib import admin

from core.admin import ReadOnlyAdmin

from .models import ImportJob


@admin.register(ImportJob)
class ImportJobAdmin(ReadOnlyAdmin):
    list_display = ("original_name", "uploaded_by", "uploaded_at", "status", "orders_imported", "attempts")
    list_filter = ("status",)
