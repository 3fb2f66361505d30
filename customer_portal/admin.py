from django.contrib import admin

from core.admin import ReadOnlyAdmin

from .models import PortalEvent


@admin.register(PortalEvent)
class PortalEventAdmin(ReadOnlyAdmin):
    """The portal's audit record: read only (customer_portal.services writes it)."""

    list_display = ("at", "customer", "contact", "action", "actor")
    list_filter = ("action",)
    list_select_related = ("customer", "contact", "actor")
