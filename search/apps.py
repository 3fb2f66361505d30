from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    """One search box in the top bar: orders, customers, styles, cases and shipments, as the viewer sees them."""

    name = "search"
    verbose_name = _("Search")
