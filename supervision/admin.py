from django.contrib import admin

from .models import SpotCheckItem, Suggestion


@admin.register(SpotCheckItem)
class SpotCheckItemAdmin(admin.ModelAdmin):
    """The QA checklist is configuration; everything else changes only through the app's services."""

    list_display = ("code", "label_zh", "label_en", "rule", "sequence", "active")
    list_editable = ("sequence", "active")


@admin.register(Suggestion)
class SuggestionAdmin(admin.ModelAdmin):
    """Suggestions change only through supervision.services.suggestions (state machine, record)."""

    show_full_result_count = False
    list_display = ("title", "author", "topic", "status", "submitted_at", "decided_at")
    list_select_related = ("author",)
    list_filter = ("status", "topic")

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
