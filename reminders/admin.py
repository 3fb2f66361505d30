from django.contrib import admin

from core.admin import ReadOnlyAdmin

from .models import Escalation


@admin.register(Escalation)
class EscalationAdmin(ReadOnlyAdmin):
    list_display = ("kind", "subject_id", "step", "due_date", "owner", "told", "created_at")
    list_filter = ("kind", "step")
