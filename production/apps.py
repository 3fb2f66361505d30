from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProductionConfig(AppConfig):
    name = "production"
    verbose_name = _("Production coordination")

    def ready(self):
        # The order core never imports this app: production plugs into it through orders.hooks.
        from orders import hooks
        from orders.models import OrderState

        from . import panels, selectors, services, steps, waiting, wording

        wording.register()
        waiting.register()  # its sources of "Waiting for you" (core/waiting.py)
        hooks.register_after("enter", services.plan_on_enter)
        hooks.register_guard("start_production", services.guard_start_production)
        for transition in ("start_production", "ship", "cancel"):
            hooks.register_after(transition, services.order_flags_refresh_into)
        hooks.register_customer_milestones(selectors.customer_milestones)
        hooks.register_promise_approved(services.delay_apply)
        hooks.register_tab(
            hooks.OrderTab(
                key="production",
                title=_("Production & T&A"),
                order=30,
                opens_in=(OrderState.ENTERED, OrderState.IN_PRODUCTION),
            )
        )
        hooks.register_step(
            hooks.NextStep(
                transition="start_production",
                tab="production",
                template="production/_step_start.html",
                context=steps.start_step_context,
            )
        )
        hooks.register_panel(
            hooks.OrderPanel(
                key="production-plan",
                title=_("T&A plan"),
                template="production/_panel_plan.html",
                context=panels.plan_panel_context,
                tab="production",
                order=10,
                select_related=("production_plan__template",),
            )
        )
        hooks.register_panel(
            hooks.OrderPanel(
                key="production",
                title=_("Production"),
                template="production/_panel_production.html",
                context=panels.production_panel_context,
                tab="production",
                order=20,
                select_related=("production_run",),
            )
        )
