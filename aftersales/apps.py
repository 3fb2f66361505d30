from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AftersalesConfig(AppConfig):
    name = "aftersales"
    verbose_name = _("After-sales")

    def ready(self):
        from orders import hooks
        from orders.models import OrderState

        from . import guards, panels, services, waiting, wording

        wording.register()
        waiting.register()  # its sources of "Waiting for you" (core/waiting.py)
        hooks.register_guard("close", guards.guard_close)
        # Not transitions: the order core runs these when it holds and releases an order.
        hooks.register_after("hold", services.cases_pause_for_hold)
        hooks.register_after("release", services.cases_resume_after_hold)
        hooks.register_tab(
            hooks.OrderTab(key="aftersales", title=_("After-sales"), order=50, opens_in=(OrderState.AFTER_SALES,))
        )
        hooks.register_panel(panels.AFTERSALES_PANEL)
        hooks.register_step(hooks.NextStep(transition="close", tab="aftersales"))
