"""The events a customer's system can subscribe to, with their labels. The names are the order core's
(orders.hooks.CUSTOMER_EVENTS): a payload's `type`, part of the contract with receivers."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from orders.hooks import CUSTOMER_EVENTS


class Event(models.TextChoices):
    ORDER_RECEIVED = "order.received", _("Order received")
    ORDER_CONFIRMED = "order.confirmed", _("Order confirmed")
    ORDER_ENTERED = "order.entered", _("Order entered")
    ORDER_PRODUCTION_STARTED = "order.production_started", _("Production started")
    ORDER_DELAYED = "order.delayed", _("Order delayed (new delivery date)")
    ORDER_SHIPPED = "order.shipped", _("Shipment sent")
    ORDER_DELIVERED = "order.delivered", _("Shipment delivered")
    CASE_OPENED = "case.opened", _("After-sales case opened")
    CASE_RESOLVED = "case.resolved", _("After-sales case resolved")


assert tuple(Event.values) == CUSTOMER_EVENTS, "webhooks.events.Event must list orders.hooks.CUSTOMER_EVENTS"
