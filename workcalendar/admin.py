from django.contrib import admin

from core.dates import DateRuleAdminMixin

from .models import CalendarDay, CalendarEvent
from .services import calendar_day_save, calendar_days_delete


@admin.register(CalendarDay)
class CalendarDayAdmin(DateRuleAdminMixin, admin.ModelAdmin):
    list_display = ("date", "name", "kind")
    list_filter = ("kind",)
    date_hierarchy = "date"
    search_fields = ("name",)

    # Through the services, which drop the cached calendar (workcalendar.calendar.WorkCalendar.load).
    def save_model(self, request, obj, form, change):
        calendar_day_save(day=obj, actor=request.user)

    def delete_model(self, request, obj):
        calendar_days_delete(days=CalendarDay.objects.filter(pk=obj.pk), actor=request.user)

    def delete_queryset(self, request, queryset):
        calendar_days_delete(days=queryset, actor=request.user)


@admin.register(CalendarEvent)
class CalendarEventAdmin(admin.ModelAdmin):
    list_display = ("at", "actor", "action", "payload")
    readonly_fields = ("at", "actor", "action", "payload")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
