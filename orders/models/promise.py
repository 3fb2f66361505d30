"""The promise ledger (交期承诺): the delivery date first promised to the customer and every later one.

`Order.delivery_date` is always the latest approved promise; `Order.first_delivery_date` is the one the
customer confirmed, and never moves. A new date is proposed with a reason code; it needs the supervisor of
the owner's team unless the customer caused it and the evidence is attached. The customer may accept or
question it from the status link. Written only by orders.services.promises.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.bilingual import in_language

from .order import Order
from .records import Attachment


class PromiseKind(models.TextChoices):
    FIRST = "first", _("First promise")
    CHANGE = "change", _("New date")


class PromiseStatus(models.TextChoices):
    PROPOSED = "proposed", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class CustomerAnswer(models.TextChoices):
    NONE = "", _("No answer yet")
    ACCEPTED = "accepted", _("Accepted by the customer")
    QUESTIONED = "questioned", _("Questioned by the customer")


class Promise(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="promises")
    sequence = models.PositiveSmallIntegerField(_("number"))
    kind = models.CharField(_("kind"), max_length=10, choices=PromiseKind.choices, default=PromiseKind.CHANGE)
    status = models.CharField(_("status"), max_length=10, choices=PromiseStatus.choices, default=PromiseStatus.PROPOSED)
    delivery_date = models.DateField(_("promised delivery date"))
    previous_date = models.DateField(_("date it replaces"), null=True, blank=True)
    # The reason as coded by the stage that proposed it (production's delay reasons), in both languages:
    # orders knows no stage's tables.
    reason_code = models.SlugField(_("reason code"), max_length=40, blank=True)
    reason_zh = models.CharField(_("reason (Chinese)"), max_length=200, blank=True)
    reason_en = models.CharField(_("reason (English)"), max_length=200, blank=True)
    note = models.TextField(_("internal note"), blank=True)
    customer_caused = models.BooleanField(_("caused by the customer"), default=False)
    evidence = models.ForeignKey(
        Attachment, verbose_name=_("evidence"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("proposed by"), on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(_("proposed at"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    customer_answer = models.CharField(
        _("customer's answer"), max_length=10, choices=CustomerAnswer.choices, default="", blank=True
    )
    customer_answer_text = models.TextField(_("customer's words"), blank=True)
    customer_answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("delivery promise")
        verbose_name_plural = _("delivery promises")
        ordering = ["order", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["order", "sequence"], name="promise_unique_sequence"),
            # One proposal at a time per order: a second waits until the first is decided.
            models.UniqueConstraint(
                fields=["order"], condition=models.Q(status="proposed"), name="promise_one_open_per_order"
            ),
        ]
        indexes = [
            models.Index(fields=["proposed_at"], condition=models.Q(status="proposed"), name="promise_waiting_idx")
        ]

    def __str__(self):
        return f"{self.order} #{self.sequence} {self.delivery_date}"

    @property
    def reason(self) -> str:
        return in_language(self.reason_zh, self.reason_en) or self.reason_code

    @property
    def awaits_customer(self) -> bool:
        return self.kind == PromiseKind.CHANGE and self.status == PromiseStatus.APPROVED and not self.customer_answer
