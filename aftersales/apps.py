from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AftersalesConfig(AppConfig):
    name = "aftersales"
    verbose_name = _("After-sales")

    def ready(self):
        from orders import hooks

        from . import guards, panels, wording

        wording.register()
        hooks.register_guard("close", guards.guard_close)
        hooks.register_panel(panels.AFTERSALES_PANEL)
