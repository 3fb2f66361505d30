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
