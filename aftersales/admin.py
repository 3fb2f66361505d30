from django.contrib import admin

from .models import Case, Feedback, SlaTarget


@admin.register(SlaTarget)
class SlaTargetAdmin(admin.ModelAdmin):
    """Per-severity targets. A change applies to cases opened (or re-graded) afterwards."""

    list_display = ("severity", "first_response_minutes", "resolution_minutes")


class ReadOnlyAdmin(admin.ModelAdmin):
    """These change only through aftersales.services (state machine, SLA clock, audit)."""

    show_full_result_count = False

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "order", "case_type", "severity", "status", "owner", "opened_at", "escalated_at")
    list_select_related = ("order", "owner")
    list_filter = ("status", "severity", "case_type")
    raw_id_fields = ("order",)


@admin.register(Feedback)
class FeedbackAdmin(ReadOnlyAdmin):
    list_display = ("order", "customer", "source", "quality", "delivery", "communication", "submitted_at")
    list_select_related = ("order__customer", "customer")
    list_filter = ("source",)
