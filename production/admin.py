from django.contrib import admin

from .models import (
    CheckIn,
    Delay,
    DelayReason,
    PlanMilestone,
    PlanTemplate,
    ProductionPlan,
    ProductionRun,
    TemplateMilestone,
)
from .services import delay_reason_save, delay_reasons_delete


class TemplateMilestoneInline(admin.TabularInline):
    model = TemplateMilestone
    fk_name = "template"
    extra = 0
    fields = ("sequence", "code", "name_zh", "name_en", "offset_days", "depends_on", "owner_role", "is_critical")
    ordering = ("sequence",)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # A dependency is chosen among the milestones of the template being edited.
        if db_field.name == "depends_on":
            template_id = request.resolver_match.kwargs.get("object_id") if request.resolver_match else None
            kwargs["queryset"] = TemplateMilestone.objects.filter(template_id=template_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(PlanTemplate)
class PlanTemplateAdmin(admin.ModelAdmin):
    list_display = ("product_type", "name_zh", "name_en", "transit_days")
    inlines = [TemplateMilestoneInline]


@admin.register(DelayReason)
class DelayReasonAdmin(admin.ModelAdmin):
    list_display = ("sequence", "code", "name_zh", "name_en", "active")
    list_editable = ("active",)

    # Through the services, which drop the cached reasons (production.selectors.delay_reasons_active).
    def save_model(self, request, obj, form, change):
        delay_reason_save(reason=obj)

    def delete_model(self, request, obj):
        delay_reasons_delete(reasons=DelayReason.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        delay_reasons_delete(reasons=queryset)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records the services write: read them here, change them only through the order page."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PlanMilestoneInline(admin.TabularInline):
    model = PlanMilestone
    extra = 0
    fields = ("sequence", "name_en", "is_critical", "planned_date", "revised_date", "revision_reason", "actual_date")
    readonly_fields = fields
    can_delete = False


@admin.register(ProductionPlan)
class ProductionPlanAdmin(ReadOnlyAdmin):
    list_display = ("order", "template", "ex_factory_date", "is_compressed", "shortfall_days")
    list_select_related = ("order", "template")
    list_filter = ("is_compressed", "template")
    search_fields = ("order__number",)
    inlines = [PlanMilestoneInline]


@admin.register(ProductionRun)
class ProductionRunAdmin(ReadOnlyAdmin):
    list_display = ("order", "factory", "line", "work_order_ref", "start_date")
    list_select_related = ("order",)
    search_fields = ("order__number", "work_order_ref", "factory")


@admin.register(CheckIn)
class CheckInAdmin(ReadOnlyAdmin):
    list_display = ("day", "order", "merchandiser", "status", "contact_method", "quantity_done")
    list_select_related = ("order", "merchandiser")
    list_filter = ("status", "day")
    search_fields = ("order__number",)
    show_full_result_count = False


@admin.register(Delay)
class DelayAdmin(ReadOnlyAdmin):
    list_display = ("order", "reason", "previous_date", "new_date", "recorded_by", "recorded_at")
    list_select_related = ("order", "reason", "recorded_by")
