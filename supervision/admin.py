from django.contrib import admin

from .models import SpotCheckItem


@admin.register(SpotCheckItem)
class SpotCheckItemAdmin(admin.ModelAdmin):
    """The QA checklist is configuration; everything else changes only through the app's services."""

    list_display = ("code", "label_zh", "label_en", "rule", "sequence", "active")
    list_editable = ("sequence", "active")
