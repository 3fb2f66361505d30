from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomerPortalConfig(AppConfig):
    """The customer's pages: the read-only status page reached by a signed link and no login (/s/), and the
    signed-in portal of a customer's contacts over all of their company's orders (/customer/).

    It sits above logistics, after-sales, documents and webhooks (it shows shipments, cases, PDFs and the
    developer settings together), so it is the only code that imports them all; none imports it.
    """

    name = "customer_portal"
    verbose_name = _("Customer portal")

    def ready(self):
        from orders import hooks

        from .staff_views import customer_panel

        hooks.register_customer_panel(customer_panel)
