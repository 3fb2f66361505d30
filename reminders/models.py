from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.bilingual import in_language


class Digest(models.Model):
    """One person's morning digest of one working day: what it listed, worded in their language when it was
    made, so the page shows what the notice announced. One per person and day (the unique constraint)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField(_("day"))
    content = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("morning digest")
        verbose_name_plural = _("morning digests")
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="digest_one_per_person_day")]

    def __str__(self):
        return f"{self.user_id} {self.day}"


class DeadlineKind(models.TextChoices):
    MILESTONE = "milestone", _("T&A milestone")
    EX_FACTORY = "ex_factory", _("Ex-factory date")
    REPORT = "report", _("Weekly report")
    CASE = "case", _("After-sales deadline")


class EscalationStep(models.IntegerChoices):
    OWNER = 1, _("Owner told")
    SUPERVISOR = 2, _("Supervisor told")
    MANAGEMENT = 3, _("Management told")


class Escalation(models.Model):
    """One step of the escalation chain for one overdue thing: written once (the unique constraint), with
    who was told. The supervisor and management read them on the escalations page."""

    kind = models.CharField(_("what"), max_length=20, choices=DeadlineKind.choices)
    subject_id = models.PositiveBigIntegerField()
    step = models.PositiveSmallIntegerField(_("step"), choices=EscalationStep.choices)
    due_date = models.DateField(_("due"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.CASCADE, related_name="+"
    )
    order = models.ForeignKey(
        "orders.Order", verbose_name=_("order"), on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    text_zh = models.CharField(max_length=300)
    text_en = models.CharField(max_length=300)
    link = models.CharField(max_length=500)
    told = models.PositiveSmallIntegerField(_("people told"), default=0)
    created_at = models.DateTimeField(_("escalated at"), default=timezone.now)

    class Meta:
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "subject_id", "step"], name="escalation_once_per_step"),
        ]
        indexes = [models.Index(fields=["owner", "-created_at"], name="escalation_owner_idx")]

    def __str__(self):
        return f"{self.kind}:{self.subject_id} step {self.step}"

    @property
    def text(self) -> str:
        return in_language(self.text_zh, self.text_en)
