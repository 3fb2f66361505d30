"""After-sales (售后服务): customer cases with SLA clocks, customer feedback (客户反馈) and the
merchandisers' improvement suggestions (改进建议).

Nothing here is written outside aftersales.services. Case and suggestion states move only through their
FSM transitions, called by those services.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMModelMixin, transition

from core.fields import StateField
from core.models import StoredFile
from orders.models import Customer, Order


class CaseType(models.TextChoices):
    COMPLAINT = "complaint", _("Complaint")
    QUALITY = "quality", _("Quality problem")
    SHORT_SHIPMENT = "short_shipment", _("Short shipment")
    RETURN = "return", _("Return")
    INQUIRY = "inquiry", _("Inquiry")


class Severity(models.TextChoices):
    URGENT = "urgent", _("Urgent")
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")


class CaseStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    WAITING = "waiting_on_customer", _("Waiting on customer")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")


ACTIVE_CASE_STATES = [CaseStatus.OPEN, CaseStatus.IN_PROGRESS, CaseStatus.WAITING]
NOT_CLOSED_CASE_STATES = [*ACTIVE_CASE_STATES, CaseStatus.RESOLVED]


class CaseChannel(models.TextChoices):
    STATUS_PAGE = "status_page", _("Customer status page")
    PHONE = "phone", _("Phone call")
    EMAIL = "email", _("Email")
    OTHER = "other", _("Other (visit, chat...)")


class SlaTarget(models.Model):
    """Response and resolution targets of one severity, in working minutes. Overrides the settings."""

    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices, unique=True)
    first_response_minutes = models.PositiveIntegerField(_("first response (working minutes)"))
    resolution_minutes = models.PositiveIntegerField(_("resolution (working minutes)"))

    class Meta:
        verbose_name = _("SLA target")
        verbose_name_plural = _("SLA targets")
        constraints = [
            models.CheckConstraint(condition=Q(first_response_minutes__gt=0), name="sla_response_positive"),
            models.CheckConstraint(
                condition=Q(resolution_minutes__gte=models.F("first_response_minutes")),
                name="sla_resolution_not_before_response",
            ),
        ]

    def __str__(self):
        return f"{self.get_severity_display()}: {self.first_response_minutes} / {self.resolution_minutes} min"


class Case(FSMModelMixin, models.Model):
    """One after-sales case on one order.

    SLA clock: working time since `opened_at`, minus the working time spent waiting on the customer
    (`paused_seconds`, plus the running pause from `paused_since`). The *_warn_at / *_due_at instants are
    that clock projected onto the calendar; they are recomputed on every pause, resume and re-grade, and
    are empty while the clock is stopped, so the SLA job needs only an indexed range query.
    """

    order = models.ForeignKey(Order, verbose_name=_("order"), on_delete=models.PROTECT, related_name="cases")
    customer = models.ForeignKey(Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="+")
    case_type = models.CharField(_("type"), max_length=20, choices=CaseType.choices)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices, default=Severity.MEDIUM)
    status = StateField(_("state"), default=CaseStatus.OPEN, choices=CaseStatus.choices, protected=True)
    channel = models.CharField(_("received by"), max_length=20, choices=CaseChannel.choices)
    subject = models.CharField(_("subject"), max_length=200)
    description = models.TextField(_("description"))
    contact_name = models.CharField(_("customer contact"), max_length=120, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_cases",
    )
    root_cause = models.TextField(_("root cause"), blank=True)
    corrective_action = models.TextField(_("corrective action"), blank=True)
    resolution = models.TextField(_("resolution"), blank=True)

    opened_at = models.DateTimeField(_("opened at"), default=timezone.now, help_text=_("When the customer raised it."))
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty when the customer opened it on the status page."),
    )
    first_responded_at = models.DateTimeField(_("first response at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(default=0)

    # The SLA, snapshotted when the case is opened or re-graded.
    response_target_minutes = models.PositiveIntegerField()
    resolution_target_minutes = models.PositiveIntegerField()
    paused_since = models.DateTimeField(null=True, blank=True)
    paused_seconds = models.PositiveIntegerField(default=0)
    response_warn_at = models.DateTimeField(null=True, blank=True)
    response_due_at = models.DateTimeField(_("first response due"), null=True, blank=True)
    resolution_warn_at = models.DateTimeField(null=True, blank=True)
    resolution_due_at = models.DateTimeField(_("resolution due"), null=True, blank=True)
    # Flags beside the state, each set once by the SLA job (or when the work is done late).
    response_warned_at = models.DateTimeField(null=True, blank=True)
    response_breached_at = models.DateTimeField(null=True, blank=True)
    resolution_warned_at = models.DateTimeField(null=True, blank=True)
    resolution_breached_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)

    class Meta:
        verbose_name = _("after-sales case")
        verbose_name_plural = _("after-sales cases")
        ordering = ["-opened_at", "-id"]
        indexes = [
            models.Index(fields=["order", "status"], name="case_order_status_idx"),
            models.Index(fields=["owner", "status"], name="case_owner_status_idx"),
            # The open cases every dashboard lists: a few hundred among a company's tens of thousands.
            models.Index(fields=["status"], condition=Q(status__in=ACTIVE_CASE_STATES), name="case_active_idx"),
            models.Index(fields=["customer", "-opened_at"], name="case_customer_idx"),
            # Newest first, the order every list and the search box read cases in.
            models.Index(fields=["-opened_at", "-id"], name="case_opened_idx"),
            models.Index(
                fields=["response_warn_at"],
                condition=Q(first_responded_at__isnull=True, response_breached_at__isnull=True),
                name="case_response_clock_idx",
            ),
            models.Index(
                fields=["resolution_warn_at"],
                condition=Q(resolution_breached_at__isnull=True, resolution_due_at__isnull=False),
                name="case_resolution_clock_idx",
            ),
        ]

    def __str__(self):
        return f"{self.reference} {self.subject}"

    @property
    def reference(self) -> str:
        return f"AS-{self.pk:06d}" if self.pk else "AS-new"

    @property
    def is_escalated(self) -> bool:
        return self.escalated_at is not None

    @property
    def is_paused(self) -> bool:
        return self.paused_since is not None

    # --- transitions: declarations only (see aftersales.services.case_transition) -----------------
    @transition(field=status, source=CaseStatus.OPEN, target=CaseStatus.IN_PROGRESS)
    def start(self):
        pass

    @transition(field=status, source=[CaseStatus.OPEN, CaseStatus.IN_PROGRESS], target=CaseStatus.WAITING)
    def wait_on_customer(self):
        pass

    @transition(field=status, source=CaseStatus.WAITING, target=CaseStatus.IN_PROGRESS)
    def resume(self):
        pass

    @transition(field=status, source=ACTIVE_CASE_STATES, target=CaseStatus.RESOLVED)
    def resolve(self):
        self.resolved_at = timezone.now()

    @transition(field=status, source=CaseStatus.RESOLVED, target=CaseStatus.CLOSED)
    def close(self):
        self.closed_at = timezone.now()

    @transition(field=status, source=[CaseStatus.RESOLVED, CaseStatus.CLOSED], target=CaseStatus.IN_PROGRESS)
    def reopen(self):
        self.resolved_at = None
        self.closed_at = None
        self.reopen_count += 1


class CaseAttachment(StoredFile):
    storage_folder = "cases"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")

    class Meta:
        verbose_name = _("case attachment")
        verbose_name_plural = _("case attachments")
        ordering = ["uploaded_at", "id"]


class FeedbackSource(models.TextChoices):
    SURVEY = "survey", _("Satisfaction survey (status page)")
    CALL = "call", _("Phone call")
    EMAIL = "email", _("Email")
    VISIT = "visit", _("Visit or meeting")


class Feedback(models.Model):
    """Customer feedback (客户反馈) on one order. The survey answer is one row per order, corrected in
    place until the order closes; staff may log any number of call, email or visit notes beside it."""

    order = models.ForeignKey(Order, verbose_name=_("order"), on_delete=models.PROTECT, related_name="feedback")
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="feedback"
    )
    source = models.CharField(_("source"), max_length=10, choices=FeedbackSource.choices)
    quality = models.PositiveSmallIntegerField(_("product quality"))
    delivery = models.PositiveSmallIntegerField(_("delivery"))
    communication = models.PositiveSmallIntegerField(_("communication"))
    comment = models.TextField(_("comment"), blank=True)
    contact_name = models.CharField(_("given by"), max_length=120, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    updated_at = models.DateTimeField(_("last changed"), default=timezone.now)
    revisions = models.PositiveSmallIntegerField(default=0)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty when the customer submitted it."),
    )

    class Meta:
        verbose_name = _("customer feedback")
        verbose_name_plural = _("customer feedback")
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["order"], condition=Q(source="survey"), name="feedback_one_survey_per_order"
            ),
            models.CheckConstraint(condition=Q(quality__gte=1, quality__lte=5), name="feedback_quality_1_5"),
            models.CheckConstraint(condition=Q(delivery__gte=1, delivery__lte=5), name="feedback_delivery_1_5"),
            models.CheckConstraint(
                condition=Q(communication__gte=1, communication__lte=5), name="feedback_communication_1_5"
            ),
        ]
        indexes = [models.Index(fields=["customer", "-submitted_at"], name="feedback_customer_idx")]

    def __str__(self):
        return f"{self.order_id} {self.source} {self.quality}/{self.delivery}/{self.communication}"

    @property
    def average(self) -> float:
        return round((self.quality + self.delivery + self.communication) / 3, 2)
