from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from core.dates import DateRuleAdminMixin

from .models import Team, User


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("name_zh", "name_en", "supervisor")
    autocomplete_fields = ("supervisor",)
    search_fields = ("name_zh", "name_en")


@admin.register(User)
class StaffAdmin(DateRuleAdminMixin, UserAdmin):
    list_display = ("username", "employee_no", "last_name", "first_name", "department", "team", "is_active")
    list_filter = ("department", "team", "groups", "is_active")
    list_select_related = ("team",)
    search_fields = ("username", "employee_no", "first_name", "last_name", "email")
    fieldsets = (
        *UserAdmin.fieldsets,
        (_("Staff profile"), {"fields": ("employee_no", "department", "team", "preferred_language")}),
    )
    add_fieldsets = (
        *UserAdmin.add_fieldsets,
        (_("Staff profile"), {"fields": ("employee_no", "department", "team", "preferred_language")}),
    )
    # Power is granted by superusers only: anyone else given the change right sees these read-only.
    POWER_FIELDS = ("is_superuser", "is_staff", "groups", "user_permissions")

    def get_readonly_fields(self, request, obj=None):
        readonly = tuple(super().get_readonly_fields(request, obj))
        return readonly if request.user.is_superuser else readonly + self.POWER_FIELDS

    def has_change_permission(self, request, obj=None):
        """A superuser's account (its password too) is changed by superusers only."""
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)
