"""A customer's webhook endpoints, the outbox of deliveries to them, and every attempt to send one."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.models import AppendOnlyEvent
from orders.models import Customer, Order

from .events import Event


class Endpoint(models.Model):
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="webhook_endpoints"
    )
    url = models.URLField(_("URL"), max_length=500)
    description = models.CharField(_("description"), max_length=200, blank=True)
    events = models.JSONField(_("events"), default=list)  # Event values
    # Kept to sign with (an HMAC needs the key itself); shown to staff once, when made or rotated.
    secret = models.CharField(max_length=100)
    # The secret before the last rotation still signs, beside the new one, until this time, so a receiver
    # can switch over without losing deliveries.
    previous_secret = models.CharField(max_length=100, blank=True)
    previous_secret_until = models.DateTimeField(null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        ordering = ["customer", "pk"]

    def __str__(self):
        return self.url

    def event_labels(self) -> list[str]:
        return [str(Event(value).label) for value in Event.values if value in self.events]

    def signing_secrets(self, now=None) -> list[str]:
        now = now or timezone.now()
        if self.previous_secret and self.previous_secret_until and self.previous_secret_until > now:
            return [self.secret, self.previous_secret]
        return [self.secret]


class EndpointEvent(AppendOnlyEvent):
    """The audit record of an endpoint: added, changed, secret rotated, switched on or off."""

    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="audit")
    action = models.CharField(max_length=20)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    payload = models.JSONField(default=dict)

    class Meta:
        ordering = ["-at", "-pk"]


class DeliveryStatus(models.TextChoices):
    # A context of their own: "Delivered" means a shipment's arrival elsewhere in the catalogues.
    PENDING = "pending", pgettext_lazy("webhook delivery", "Waiting to be sent")
    SUCCEEDED = "succeeded", pgettext_lazy("webhook delivery", "Delivered")
    GIVEN_UP = "given_up", pgettext_lazy("webhook delivery", "Given up")


def new_event_id() -> str:
    return f"evt_{uuid.uuid4().hex}"


class Delivery(models.Model):
    """One event for one endpoint: the outbox row, written in the transaction of the event. The body is
    fixed then, so every attempt and every replay sends the same bytes under the same event id."""

    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="deliveries")
    # The same for every endpoint that gets the event: the receiver's key to recognise a duplicate.
    event_id = models.CharField(_("event id"), max_length=40)
    event = models.CharField(_("event"), max_length=40, choices=Event.choices)
    order = models.ForeignKey(Order, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    body = models.TextField()
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempt_count = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    retry_until = models.DateTimeField()  # given up after this; a replay moves it
    succeeded_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    replay_requested = models.BooleanField(default=False)  # the next attempt is a replay

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        constraints = [models.UniqueConstraint(fields=["endpoint", "event_id"], name="webhook_delivery_once")]
        indexes = [
            models.Index(fields=["next_attempt_at"], condition=Q(status="pending"), name="webhook_delivery_due_idx"),
            models.Index(fields=["endpoint", "-created_at"], name="webhook_delivery_newest_idx"),
        ]

    def __str__(self):
        return f"{self.event_id} → {self.endpoint_id}"


class Attempt(models.Model):
    """One try to send a delivery: when, how long, what came back."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempts")
    started_at = models.DateTimeField(_("time"), default=timezone.now)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)
    status_code = models.PositiveSmallIntegerField(_("status code"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)
    replay = models.BooleanField(_("replay"), default=False)

    class Meta:
        ordering = ["-started_at", "-pk"]

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300
