from django.contrib import admin

from .models import InboxItem, Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """Every outgoing email and chat robot message; one that gave up shows as "Gave up" with its last error."""

    list_display = ("created_at", "channel", "kind", "reference", "to_email", "status", "attempts", "sent_at")
    list_filter = ("status", "channel", "kind")
    search_fields = ("reference", "to_email", "message_id")
    readonly_fields = [f.name for f in Notification._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(InboxItem)
class InboxItemAdmin(admin.ModelAdmin):
    """To look into what someone was told; notices are written only by notifications.services.notify."""

    list_display = ("created_at", "user", "kind", "title", "read_at")
    list_filter = ("kind",)
    search_fields = ("title", "user__username", "link")
    raw_id_fields = ("user",)
    readonly_fields = [f.name for f in InboxItem._meta.fields]

    def has_add_permission(self, request):
        return False
