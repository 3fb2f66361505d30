from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AftersalesConfig(AppConfig):
    name = "aftersales"
    verbose_name = _("After-sales")

    def ready(self):
        from orders import hooks
        from orders.models import OrderState

        from . import guards, panels, wording

        wording.register()
        hooks.register_guard("close", guards.guard_close)
        hooks.register_tab(
            hooks.OrderTab(key="aftersales", title=_("After-sales"), order=50, opens_in=(OrderState.AFTER_SALES,))
        )
        hooks.register_panel(panels.AFTERSALES_PANEL)
        hooks.register_step(hooks.NextStep(transition="close", tab="aftersales"))
