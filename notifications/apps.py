from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """The staff inbox and the transactional outbox for email. Knows nothing of orders: callers pass the kind,
    the link, the templates and a reference."""

    name = "notifications"
    verbose_name = _("Notifications")
