from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "orders"
    verbose_name = _("Orders")

    def ready(self):
        # The order page's own tabs and sections, registered like the stages' (orders.hooks).
        from .views import detail

        detail.register()
