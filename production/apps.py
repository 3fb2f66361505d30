from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProductionConfig(AppConfig):
    name = "production"
    verbose_name = _("Production coordination")

    def ready(self):
        # The order core never imports this app: production plugs into it through orders.hooks.
        from orders import hooks

        from . import panels, selectors, services, wording

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
