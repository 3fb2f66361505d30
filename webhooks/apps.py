from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    """Webhooks to customers' systems: endpoints per customer, an outbox of signed deliveries, their attempts.

    Sits above the stages: it reads their shipments and cases to write each event's payload. The stages and
    the order core announce events through orders.hooks.customer_event; this app listens there."""

    name = "webhooks"
    verbose_name = _("Webhooks")

    def ready(self):
        from orders import hooks
        from orders.api.api import api

        from .api import router
        from .services import customer_link, deliveries_record

        hooks.register_customer_event_listener(deliveries_record)
        hooks.register_customer_link(customer_link)
        # The customer's side of the deliveries, in the same /api/v1/ (its token, its schema).
        api.add_router("", router)
