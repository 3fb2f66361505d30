from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProductionConfig(AppConfig):
    name = "production"
    verbose_name = _("Production coordination")

    def ready(self):
        # The order core never imports this app: production plugs into it through orders.hooks.
        from django.db.models.signals import post_delete, post_save

        from orders import hooks, page_generation

        from . import panels, selectors, services, wording, worklist_cache
        from .calendar import forget_calendar
        from .models import CalendarDay, DelayReason

        page_generation.watch_reference(CalendarDay)  # the plan's working days
        worklist_cache.connect()
        post_save.connect(forget_calendar, sender=CalendarDay, dispatch_uid="production.calendar_saved")
        post_delete.connect(forget_calendar, sender=CalendarDay, dispatch_uid="production.calendar_deleted")
        post_save.connect(selectors.forget_delay_reasons, sender=DelayReason, dispatch_uid="production.reason_saved")
        post_delete.connect(
            selectors.forget_delay_reasons, sender=DelayReason, dispatch_uid="production.reason_deleted"
        )

        wording.register()
        hooks.register_after("enter", services.plan_on_enter)
        hooks.register_guard("start_production", services.guard_start_production)
        for transition in ("start_production", "ship", "cancel"):
            hooks.register_after(transition, services.order_flags_refresh_into)
        hooks.register_customer_milestones(selectors.customer_milestones)
        hooks.register_panel(
            hooks.OrderPanel(
                key="production-plan",
                title=_("T&A plan"),
                template="production/_panel_plan.html",
                context=panels.plan_panel_context,
                order=10,
                live_states=panels.PLAN_LIVE,
                select_related=("production_plan__template",),
            )
        )
        hooks.register_panel(
            hooks.OrderPanel(
                key="production",
                title=_("Production"),
                template="production/_panel_production.html",
                context=panels.production_panel_context,
                order=20,
                live_states=panels.PRODUCTION_LIVE,
                select_related=("production_run",),
            )
        )
