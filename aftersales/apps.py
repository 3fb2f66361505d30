from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AftersalesConfig(AppConfig):
    name = "aftersales"
    verbose_name = _("After-sales")

    def ready(self):
        from orders import hooks, page_generation

        from . import guards, panels, wording
        from .models import SlaTarget

        page_generation.watch_reference(SlaTarget)  # the cases' deadlines on the order page

        wording.register()
        hooks.register_guard("close", guards.guard_close)
        hooks.register_panel(panels.AFTERSALES_PANEL)
