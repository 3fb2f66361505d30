from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LogisticsConfig(AppConfig):
    name = "logistics"
    verbose_name = _("Logistics")

    def ready(self):
        from orders import hooks
        from orders.models import OrderState

        from . import guards, panels, services, steps, wording

        wording.register()
        hooks.register_guard("ship", guards.guard_ship)
        hooks.register_guard("begin_after_sales", guards.guard_begin_after_sales)
        hooks.register_guard("close", guards.guard_close)
        hooks.register_tab(
            hooks.OrderTab(key="shipments", title=_("Shipments"), order=40, opens_in=(OrderState.SHIPPED,))
        )
        hooks.register_panel(panels.SHIPMENTS_PANEL)
        hooks.register_step(
            hooks.NextStep(
                transition="ship",
                tab="shipments",
                template="logistics/_step_ship.html",
                context=steps.ship_step_context,
            )
        )
        hooks.register_step(hooks.NextStep(transition="begin_after_sales", tab="shipments"))
        hooks.register_customer_status_url(services.status_link_for_notice)
