from django.contrib import admin

from .models import InboxItem, Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("created_at", "kind", "reference", "to_email", "status", "attempts", "sent_at")
    list_filter = ("status", "kind")
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
