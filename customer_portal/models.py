from django.conf import settings
from django.db import models
from django.utils import timezone

from core.models import AppendOnlyEvent


class PortalEvent(AppendOnlyEvent):
    """The audit record of the customer portal: a contact invited, re-invited, their password set, their
    access revoked; an API token issued or revoked from the portal. One line per service call."""

    customer = models.ForeignKey("orders.Customer", on_delete=models.CASCADE, related_name="portal_events")
    contact = models.ForeignKey(
        "orders.CustomerContact", on_delete=models.SET_NULL, null=True, blank=True, related_name="portal_events"
    )
    action = models.CharField(max_length=30)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    payload = models.JSONField(default=dict)

    class Meta:
        ordering = ["-at", "-pk"]
