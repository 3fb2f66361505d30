"""Production coordination (生产协调): the T&A plan, the production run, daily check-ins and delays.

Nothing here is written outside production.services. The order itself is changed only through the
order services (transition, flags, reschedule), so the core never needs to know this app exists.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.bilingual import BilingualName, in_language
from core.models import StoredFile
from orders.models import Order


# --- milestone templates ---------------------------------------------------------------------------
class OwnerRole(models.TextChoices):
    MERCHANDISER = "merchandiser", _("Merchandiser")
    PURCHASING = "purchasing", _("Purchasing")
    PRODUCTION = "production", _("Production")
    QA = "qa", _("Quality")
    LOGISTICS = "logistics", _("Logistics")


DEFAULT_TEMPLATE = "default"


class PlanTemplate(BilingualName):
    """The T&A milestones for one product type (Product.product_type). `default` serves every other type."""

    product_type = models.SlugField(
        _("product type"),
        max_length=40,
        unique=True,
        help_text=_("As on the product, e.g. garment; 'default' for the rest."),
    )
    transit_days = models.PositiveSmallIntegerField(
        _("transit days"),
        null=True,
        blank=True,
        help_text=_(
            "Calendar days from ex-factory to the promised delivery date. Empty: the PRODUCTION_TRANSIT_DAYS setting."
        ),
    )

    class Meta:
        verbose_name = _("T&A template")
        verbose_name_plural = _("T&A templates")
        ordering = ["product_type"]

    def effective_transit_days(self) -> int:
        return self.transit_days if self.transit_days is not None else settings.PRODUCTION_TRANSIT_DAYS


class TemplateMilestone(BilingualName):
    template = models.ForeignKey(PlanTemplate, on_delete=models.CASCADE, related_name="milestones")
    code = models.SlugField(_("code"), max_length=40)
    sequence = models.PositiveSmallIntegerField(_("sequence"))
    offset_days = models.PositiveSmallIntegerField(
        _("working days before ex-factory"), help_text=_("0 is the ex-factory day itself.")
    )
    depends_on = models.ForeignKey(
        "self", verbose_name=_("depends on"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    owner_role = models.CharField(_("owner"), max_length=20, choices=OwnerRole.choices)
    is_critical = models.BooleanField(_("critical"), default=False)

    class Meta:
        verbose_name = _("template milestone")
        verbose_name_plural = _("template milestones")
        ordering = ["template", "sequence"]
        constraints = [models.UniqueConstraint(fields=["template", "code"], name="template_milestone_unique_code")]

    def clean(self):
        dep = self.depends_on
        if dep is None:
            return
        if dep.pk == self.pk or dep.template_id != self.template_id:
            raise ValidationError({"depends_on": _("Choose an earlier milestone of the same template.")})
        if dep.offset_days < self.offset_days:
            raise ValidationError({"depends_on": _("A milestone cannot fall before the milestone it depends on.")})


# --- the plan of one order -------------------------------------------------------------------------
class ProductionPlan(models.Model):
    """The order's T&A plan (生产进度计划), worked back from the ex-factory date when the order is entered."""

    order = models.OneToOneField(Order, on_delete=models.CASCADE, related_name="production_plan")
    template = models.ForeignKey(PlanTemplate, verbose_name=_("template"), on_delete=models.SET_NULL, null=True)
    ex_factory_date = models.DateField(_("ex-factory date"))
    transit_days = models.PositiveSmallIntegerField(_("transit days"))
    is_compressed = models.BooleanField(
        _("compressed"), default=False, help_text=_("The delivery date left less time than the template needs.")
    )
    shortfall_days = models.PositiveSmallIntegerField(_("working days short"), default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("T&A plan")
        verbose_name_plural = _("T&A plans")

    def __str__(self):
        return f"{self.order} T&A"


class MilestoneStatus(models.TextChoices):
    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    LATE = "late", _("Late")
    DONE = "done", _("Done")


class PlanMilestone(models.Model):
    """One line of an order's plan. The template's values are copied, so editing a template never moves
    a plan already made. `planned_date` is the baseline and never changes; `revised_date` does, with a reason."""

    plan = models.ForeignKey(ProductionPlan, on_delete=models.CASCADE, related_name="milestones")
    code = models.SlugField(max_length=40)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    sequence = models.PositiveSmallIntegerField(_("sequence"))
    offset_days = models.PositiveSmallIntegerField(_("working days before ex-factory"))
    depends_on = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    owner_role = models.CharField(_("owner"), max_length=20, choices=OwnerRole.choices)
    is_critical = models.BooleanField(_("critical"), default=False)
    planned_date = models.DateField(_("planned"))
    revised_date = models.DateField(_("revised"), null=True, blank=True)
    revision_reason = models.TextField(_("reason for the revision"), blank=True)
    actual_date = models.DateField(_("actual"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("plan milestone")
        verbose_name_plural = _("plan milestones")
        ordering = ["plan", "sequence"]
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="plan_milestone_unique_code")]
        indexes = [
            models.Index(fields=["plan"], condition=models.Q(actual_date__isnull=True), name="milestone_open_idx")
        ]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return in_language(self.name_zh, self.name_en)

    @property
    def due_date(self):
        return self.revised_date or self.planned_date


# --- the production run ----------------------------------------------------------------------------
class ProductionRun(models.Model):
    """Where and when the order is made. Required before the order can go into production."""

    order = models.OneToOneField(Order, on_delete=models.CASCADE, related_name="production_run")
    factory = models.CharField(_("factory"), max_length=120)
    line = models.CharField(_("production line"), max_length=60)
    work_order_ref = models.CharField(_("work order number"), max_length=60)
    start_date = models.DateField(_("production start date"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("production run")
        verbose_name_plural = _("production runs")

    def __str__(self):
        return f"{self.factory} / {self.line} / {self.work_order_ref}"

    @property
    def is_complete(self) -> bool:
        return bool(self.factory.strip() and self.line.strip() and self.work_order_ref.strip() and self.start_date)


# --- daily check-ins -------------------------------------------------------------------------------
class ContactMethod(models.TextChoices):
    PHONE = "phone", _("Phone")
    VISIT = "visit", _("Factory visit")
    WECHAT = "wechat", _("WeChat")
    EMAIL = "email", _("Email")
    FACTORY = "factory", _("Factory's phone report")  # a report the merchandiser confirmed (FactoryReport)


class CheckInStatus(models.TextChoices):
    PENDING = "pending", _("To do")
    DONE = "done", _("Done")
    MISSED = "missed", _("Missed")
    WAIVED = "waived", _("Not needed")  # the order left production before the day ended


class CheckIn(models.Model):
    """The merchandiser's daily contact with production about one order (每日跟进). The morning job
    creates one per in-production order and working day; the night job closes the ones not done."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="checkins")
    day = models.DateField(_("day"))
    merchandiser = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("merchandiser"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("status"), max_length=10, choices=CheckInStatus.choices, default=CheckInStatus.PENDING)
    contact_name = models.CharField(_("contact in production"), max_length=100, blank=True)
    contact_method = models.CharField(_("how"), max_length=10, choices=ContactMethod.choices, blank=True)
    quantity_done = models.PositiveIntegerField(_("quantity produced so far"), null=True, blank=True)
    milestone = models.ForeignKey(
        PlanMilestone,
        verbose_name=_("milestone reached"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    problems = models.TextField(_("problems"), blank=True)
    next_steps = models.TextField(_("next steps"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(_("recorded at"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("daily check-in")
        verbose_name_plural = _("daily check-ins")
        ordering = ["-day", "order"]
        constraints = [models.UniqueConstraint(fields=["order", "day"], name="checkin_one_per_order_day")]
        indexes = [
            models.Index(fields=["merchandiser", "day"], name="checkin_merch_day_idx"),
            models.Index(fields=["day"], condition=models.Q(status="pending"), name="checkin_pending_idx"),
        ]

    def __str__(self):
        return f"{self.order} {self.day:%Y-%m-%d} {self.status}"


# --- delays ----------------------------------------------------------------------------------------
class DelayReason(BilingualName):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    sequence = models.PositiveSmallIntegerField(_("sequence"), default=10)
    active = models.BooleanField(_("active"), default=True)
    customer_caused = models.BooleanField(
        _("caused by the customer"),
        default=False,
        help_text=_(
            "A new date for this reason, with the customer's evidence attached, needs no supervisor's approval."
        ),
    )

    class Meta:
        verbose_name = _("delay reason")
        verbose_name_plural = _("delay reasons")
        ordering = ["sequence", "code"]


class Delay(models.Model):
    """A production delay (延期): why, and the new promised date the customer was told. Written when the
    new date is approved in the order's promise ledger (orders.Promise), which keeps the proposal."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="delays")
    promise = models.OneToOneField(
        "orders.Promise", on_delete=models.SET_NULL, null=True, blank=True, related_name="delay"
    )
    reason = models.ForeignKey(DelayReason, verbose_name=_("reason"), on_delete=models.PROTECT)
    note = models.TextField(_("internal note"), blank=True)
    previous_date = models.DateField(_("previous promised date"))
    new_date = models.DateField(_("new promised date"))
    notification = models.ForeignKey(
        "notifications.Notification", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("delay")
        verbose_name_plural = _("delays")
        ordering = ["-recorded_at", "-id"]

    def __str__(self):
        return f"{self.order} {self.previous_date} → {self.new_date}"


class PromiseWarning(models.Model):
    """The promise's early warning: an open milestone whose projection breaks the promised delivery date
    within PROMISE_WARNING_WORKING_HOURS working hours (or already does). One per milestone and promised
    date: raised once, by production.services.promise_warnings_raise."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="promise_warnings")
    milestone = models.ForeignKey(PlanMilestone, verbose_name=_("milestone"), on_delete=models.CASCADE)
    delivery_date = models.DateField(_("promised delivery date"))
    projected_date = models.DateField(_("projected"))
    latest_safe_date = models.DateField(_("last safe day"))
    raised_at = models.DateTimeField(_("raised at"), default=timezone.now)

    class Meta:
        verbose_name = _("promise warning")
        verbose_name_plural = _("promise warnings")
        ordering = ["-raised_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["milestone", "delivery_date"], name="promise_warning_once"),
        ]

    def __str__(self):
        return f"{self.order} {self.milestone.code} {self.latest_safe_date}"


# --- the factory reports from its phone ------------------------------------------------------------
class FactoryLink(models.Model):
    """The signed link the merchandiser gives the factory of a production run: /production/f/<token>/.

    The nonce is random; the token is the nonce signed with the secret key (production.selectors.
    factory_link_token), so a tampered token is refused before any query. Revoking keeps the row, so the
    page can say the link was withdrawn rather than pretend it never existed."""

    run = models.ForeignKey(ProductionRun, on_delete=models.CASCADE, related_name="factory_links")
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="factory_links")
    nonce = models.CharField(max_length=40, unique=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(_("valid until"))
    revoked_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("factory link")
        verbose_name_plural = _("factory links")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.order.display_number} factory link"

    @property
    def is_expired(self) -> bool:
        return timezone.now() >= self.expires_at


class FactoryReport(models.Model):
    """What the factory reported through its link: evidence for the day's check-in, until the merchandiser
    confirms it as one (production.services.factory_report_confirm)."""

    link = models.ForeignKey(FactoryLink, on_delete=models.PROTECT, related_name="reports")
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="factory_reports")
    reporter_name = models.CharField(_("reported by"), max_length=100)
    quantity_done = models.PositiveIntegerField(_("quantity done so far"), null=True, blank=True)
    problems = models.TextField(_("problems"), blank=True)
    submitted_at = models.DateTimeField(_("sent at"), default=timezone.now)
    checkin = models.ForeignKey(
        CheckIn, verbose_name=_("confirmed as check-in"), on_delete=models.SET_NULL, null=True, blank=True
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("factory report")
        verbose_name_plural = _("factory reports")
        ordering = ["-submitted_at", "-id"]
        indexes = [models.Index(fields=["order", "-submitted_at"], name="factory_report_order_idx")]

    def __str__(self):
        return f"{self.order.display_number} {self.submitted_at:%Y-%m-%d %H:%M}"


class FactoryReportMilestone(models.Model):
    """A milestone the factory says it reached, and on which day."""

    report = models.ForeignKey(FactoryReport, on_delete=models.CASCADE, related_name="milestones")
    milestone = models.ForeignKey(PlanMilestone, verbose_name=_("milestone"), on_delete=models.CASCADE)
    reached_on = models.DateField(_("reached on"))

    class Meta:
        verbose_name = _("milestone reported")
        verbose_name_plural = _("milestones reported")
        ordering = ["reached_on", "id"]


class FactoryPhoto(StoredFile):
    """A photo of a factory report: re-encoded as a JPEG at most FACTORY_PHOTO_MAX_SIDE pixels a side, with
    no EXIF (production/photos.py); served only through production.views.factory_photo."""

    storage_folder = "factory-photos"

    report = models.ForeignKey(FactoryReport, on_delete=models.CASCADE, related_name="photos")
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("factory photo")
        verbose_name_plural = _("factory photos")
        ordering = ["id"]
