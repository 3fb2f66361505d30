from django.contrib import admin

from core.admin import ReadOnlyAdmin

from .models import Case, Feedback, SlaTarget


@admin.register(SlaTarget)
class SlaTargetAdmin(admin.ModelAdmin):
    """Per-severity targets. A change applies to cases opened (or re-graded) afterwards."""

    list_display = ("severity", "first_response_minutes", "resolution_minutes")


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
