from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """The transactional outbox for customer email. Knows nothing of orders: callers pass a reference."""

    name = "notifications"
    verbose_name = _("Notifications")
