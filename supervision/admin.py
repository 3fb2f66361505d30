from django.contrib import admin

from core.admin import ReadOnlyAdmin

from .models import SpotCheckItem, Suggestion


@admin.register(SpotCheckItem)
class SpotCheckItemAdmin(admin.ModelAdmin):
    """The QA checklist is configuration; everything else changes only through the app's services."""

    list_display = ("code", "label_zh", "label_en", "rule", "sequence", "active")
    list_editable = ("sequence", "active")


@admin.register(Suggestion)
class SuggestionAdmin(ReadOnlyAdmin):
    """Suggestions change only through supervision.services.suggestions (state machine, record)."""

    list_display = ("title", "author", "topic", "status", "submitted_at", "decided_at")
    list_select_related = ("author",)
    list_filter = ("status", "topic")
