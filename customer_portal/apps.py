from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomerPortalConfig(AppConfig):
    """The customer's read-only status page, reached by a signed link and no login.

    It sits above logistics and after-sales (it shows shipments, cases and the survey together), so it
    is the only code that imports both; neither imports it.
    """

    name = "customer_portal"
    verbose_name = _("Customer status page")
