from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LogisticsConfig(AppConfig):
    name = "logistics"
    verbose_name = _("Logistics")

    def ready(self):
        from orders import hooks

        from . import guards, panels, services, wording

        wording.register()
        hooks.register_guard("ship", guards.guard_ship)
        hooks.register_guard("begin_after_sales", guards.guard_begin_after_sales)
        hooks.register_guard("close", guards.guard_close)
        hooks.register_panel(panels.SHIPMENTS_PANEL)
        hooks.register_customer_status_url(services.status_link_for_notice)
