from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """Demo data for newcomers. At the top of the layering: it composes every app's services."""

    name = "demo"
    verbose_name = _("Demo data")
