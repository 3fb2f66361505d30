"""Communication and supervision (policy ch.4 art.2.2 and 3.2, ch.5 art.1 and 3, ch.6): the weekly
merchandiser meeting, weekly work reports, supervisors' reviews of work records, QA spot checks with
their findings, violations and the discipline ladder, and the policy document itself.

Nothing here is written outside supervision.services. States move only through the FSM transitions,
called by those services; every change leaves a SupervisionEvent (and, where an order is concerned, a
line on the order's work record).

evaluation/ reads these models: keep the field names stable.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import FSMModelMixin, transition

from accounts.models import Team
from core.bilingual import BilingualLabel, in_language
from core.fields import StateField
from core.models import AppendOnlyEvent, stored_file_path
from orders.models import Order


# --- the audit record of this app ------------------------------------------------------------------
class SupervisionEvent(AppendOnlyEvent):
    """One line of the supervision record: who did what to which meeting, report, plan, finding,
    violation or policy version. Append-only."""

    subject = models.CharField(max_length=40, db_index=True, help_text="e.g. meeting:12, violation:3")
    action = models.CharField(max_length=40)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    note = models.TextField(blank=True)
    payload = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("supervision event")
        verbose_name_plural = _("supervision events")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.subject} {self.action}"


# --- improvement suggestions (改进建议): a merchandiser proposes, their supervisor decides --------------
class SuggestionStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    REVIEWED = "reviewed", _("Reviewed")
    ADOPTED = "adopted", _("Adopted")
    DECLINED = "declined", _("Declined")


class SuggestionTopic(models.TextChoices):
    PROCESS = "process", _("Work process")
    CUSTOMER = "customer", _("Customer service")
    PRODUCTION = "production", _("Production coordination")
    LOGISTICS = "logistics", _("Logistics")
    SYSTEM = "system", _("This system")
    OTHER = "other", _("Other")


class Suggestion(FSMModelMixin, models.Model):
    """An improvement suggestion (改进建议) by a merchandiser, decided by their supervisor."""

    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("suggestion"))
    topic = models.CharField(
        _("topic"), max_length=20, choices=SuggestionTopic.choices, default=SuggestionTopic.PROCESS
    )
    order = models.ForeignKey(
        Order, verbose_name=_("related order"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT, related_name="suggestions"
    )
    status = StateField(
        _("state"), default=SuggestionStatus.SUBMITTED, choices=SuggestionStatus.choices, protected=True
    )
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("improvement suggestion")
        verbose_name_plural = _("improvement suggestions")
        ordering = ["-submitted_at", "-id"]
        indexes = [models.Index(fields=["status", "-submitted_at"], name="suggestion_status_idx")]

    def __str__(self):
        return self.title

    @transition(field=status, source=SuggestionStatus.SUBMITTED, target=SuggestionStatus.REVIEWED)
    def review(self):
        pass

    @transition(field=status, source=SuggestionStatus.REVIEWED, target=SuggestionStatus.ADOPTED)
    def adopt(self):
        self.decided_at = timezone.now()

    @transition(
        field=status, source=[SuggestionStatus.SUBMITTED, SuggestionStatus.REVIEWED], target=SuggestionStatus.DECLINED
    )
    def decline(self):
        self.decided_at = timezone.now()


_SUGGESTION_STATES = dict(SuggestionStatus.choices)


class SuggestionEvent(AppendOnlyEvent):
    """The suggestion's record: who moved it, when, and the comment. Append-only."""

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    from_state = models.CharField(max_length=20, blank=True)
    to_state = models.CharField(max_length=20)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    @property
    def from_state_label(self) -> str:
        return str(_SUGGESTION_STATES.get(self.from_state, self.from_state))

    @property
    def to_state_label(self) -> str:
        return str(_SUGGESTION_STATES.get(self.to_state, self.to_state))


# --- 1. the weekly merchandiser meeting (每周跟单员会议) ---------------------------------------------
class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    HELD = "held", _("Held")


class WeeklyMeeting(FSMModelMixin, models.Model):
    """One team's meeting of one week. The agenda is compiled from the records when the meeting is
    created (and on request), and kept as it was compiled: the record of what was put to the meeting."""

    team = models.ForeignKey(Team, verbose_name=_("team"), on_delete=models.PROTECT, related_name="weekly_meetings")
    week_start = models.DateField(_("week of"), help_text=_("The Monday of the week."))
    scheduled_at = models.DateTimeField(_("scheduled for"))
    status = StateField(_("state"), default=MeetingStatus.SCHEDULED, choices=MeetingStatus.choices, protected=True)
    agenda = models.JSONField(_("agenda"), default=dict, blank=True)
    agenda_compiled_at = models.DateTimeField(_("agenda compiled at"), null=True, blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    decisions = models.TextField(_("decisions"), blank=True)
    held_at = models.DateTimeField(_("held at"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("weekly meeting")
        verbose_name_plural = _("weekly meetings")
        ordering = ["-week_start", "team"]
        constraints = [models.UniqueConstraint(fields=["team", "week_start"], name="meeting_one_per_team_week")]

    def __str__(self):
        return f"{self.team} {self.week_start:%Y-%m-%d}"

    @transition(field=status, source=[MeetingStatus.SCHEDULED, MeetingStatus.HELD], target=MeetingStatus.HELD)
    def record(self):
        if self.held_at is None:
            self.held_at = timezone.now()


class MeetingAttendance(models.Model):
    meeting = models.ForeignKey(WeeklyMeeting, on_delete=models.CASCADE, related_name="attendance")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.PROTECT)
    present = models.BooleanField(_("present"), default=False)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["meeting", "person__username"]
        constraints = [models.UniqueConstraint(fields=["meeting", "person"], name="attendance_once_per_meeting")]


class ActionItemStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")


class ActionItem(FSMModelMixin, models.Model):
    """Something a meeting decided someone will do. While open it is carried onto every later agenda
    of the team's meetings."""

    meeting = models.ForeignKey(
        WeeklyMeeting, verbose_name=_("raised at"), on_delete=models.CASCADE, related_name="action_items"
    )
    title = models.CharField(_("action"), max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="action_items"
    )
    due_date = models.DateField(_("due date"))
    order = models.ForeignKey(
        Order, verbose_name=_("related order"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = StateField(_("state"), default=ActionItemStatus.OPEN, choices=ActionItemStatus.choices, protected=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closing_note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        ordering = ["due_date", "id"]
        indexes = [models.Index(fields=["owner", "status"], name="actionitem_owner_status_idx")]

    def __str__(self):
        return self.title

    @transition(field=status, source=ActionItemStatus.OPEN, target=ActionItemStatus.DONE)
    def complete(self):
        self.closed_at = timezone.now()

    @transition(field=status, source=ActionItemStatus.OPEN, target=ActionItemStatus.DROPPED)
    def drop(self):
        self.closed_at = timezone.now()

    @transition(field=status, source=[ActionItemStatus.DONE, ActionItemStatus.DROPPED], target=ActionItemStatus.OPEN)
    def reopen(self):
        self.closed_at = None


# --- 2. weekly work reports (定期汇报) ----------------------------------------------------------------
class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    REVIEWED = "reviewed", _("Read by the supervisor")


class WeeklyReport(FSMModelMixin, models.Model):
    """A merchandiser's report of one week to their supervisor. Drafted from the records; the
    merchandiser edits and submits it. Punctuality is `submitted_at` against `due_at` (evaluation reads
    both); a report still not submitted at the due time is flagged missing by the job."""

    merchandiser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("merchandiser"),
        on_delete=models.PROTECT,
        related_name="weekly_reports",
    )
    week_start = models.DateField(_("week of"), help_text=_("The Monday of the week."))
    due_at = models.DateTimeField(_("due"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    status = StateField(_("state"), default=ReportStatus.DRAFT, choices=ReportStatus.choices, protected=True)
    figures = models.JSONField(_("figures from the records"), default=dict, blank=True)
    figures_at = models.DateTimeField(null=True, blank=True)
    summary = models.TextField(_("work done"), blank=True)
    problems = models.TextField(_("problems and help needed"), blank=True)
    plans = models.TextField(_("plans for next week"), blank=True)
    suggestions = models.ManyToManyField(
        Suggestion, verbose_name=_("improvement suggestions"), blank=True, related_name="weekly_reports"
    )
    missing_flagged_at = models.DateTimeField(
        _("flagged missing at"), null=True, blank=True, help_text=_("Set by the job when the due time passed.")
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("read at"), null=True, blank=True)
    review_comment = models.TextField(_("supervisor's comment"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("weekly report")
        verbose_name_plural = _("weekly reports")
        ordering = ["-week_start", "merchandiser__username"]
        constraints = [
            models.UniqueConstraint(fields=["merchandiser", "week_start"], name="report_one_per_person_week")
        ]
        indexes = [models.Index(fields=["week_start", "status"], name="report_week_status_idx")]

    def __str__(self):
        return f"{self.merchandiser} {self.week_start:%Y-%m-%d}"

    @property
    def is_late(self) -> bool:
        """Submitted after the due time, or still not submitted once it has passed."""
        if self.submitted_at is not None:
            return self.submitted_at > self.due_at
        return timezone.now() > self.due_at

    @property
    def is_missing(self) -> bool:
        return self.submitted_at is None and timezone.now() > self.due_at

    @transition(field=status, source=ReportStatus.DRAFT, target=ReportStatus.SUBMITTED)
    def submit(self):
        self.submitted_at = timezone.now()

    @transition(field=status, source=ReportStatus.SUBMITTED, target=ReportStatus.REVIEWED)
    def review(self):
        self.reviewed_at = timezone.now()


# --- 3. supervisors' reviews of work records (检查工作记录) ------------------------------------------
class RecordReview(models.Model):
    """A supervisor read an order's work record and rated it."""

    order = models.ForeignKey(Order, verbose_name=_("order"), on_delete=models.PROTECT, related_name="record_reviews")
    merchandiser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("merchandiser"),
        on_delete=models.PROTECT,
        related_name="record_reviews_received",
        help_text=_("The order's merchandiser when it was reviewed."),
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reviewer"), on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), default=timezone.now)
    rating = models.PositiveSmallIntegerField(_("rating"))
    comment = models.TextField(_("comment"))

    class Meta:
        verbose_name = _("record review")
        verbose_name_plural = _("record reviews")
        ordering = ["-reviewed_at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(rating__gte=1, rating__lte=5), name="review_rating_1_5")]
        indexes = [
            models.Index(fields=["merchandiser", "reviewed_at"], name="review_merch_time_idx"),
            models.Index(fields=["order", "-reviewed_at"], name="review_order_time_idx"),
        ]

    def __str__(self):
        return f"{self.order_id} {self.rating}/5"


# --- 4. QA spot checks (抽查) -----------------------------------------------------------------------
class SpotCheckRule(models.TextChoices):
    """Checks the system can answer from the records, to pre-fill a suggested pass or fail."""

    MANUAL = "", _("Judged by QA")
    CHECKLIST_BEFORE_CONFIRMATION = "checklist_before_confirmation", _("Checklist complete before confirmation")
    CONFIRMATION_EXISTS = "confirmation_exists", _("Customer confirmation recorded")
    CHECKINS_ON_TIME = "checkins_on_time", _("Daily check-ins done on their day")
    CUSTOMER_NOTIFIED_ON_SHIPMENT = "customer_notified_on_shipment", _("Customer notified of each shipment")


class SpotCheckItem(BilingualLabel):
    """One line of the QA checklist. Configurable in the admin; seeded by a data migration."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    label_zh = models.CharField(_("label (Chinese)"), max_length=200)
    label_en = models.CharField(_("label (English)"), max_length=200)
    rule = models.CharField(_("automatic check"), max_length=40, choices=SpotCheckRule.choices, blank=True)
    sequence = models.PositiveSmallIntegerField(_("sequence"), default=10)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("spot-check item")
        verbose_name_plural = _("spot-check items")
        ordering = ["sequence", "code"]


class SampleMode(models.TextChoices):
    COUNT = "count", _("A number of orders per merchandiser")
    PERCENT = "percent", _("A percentage of each merchandiser's orders")


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Not drawn yet")
    DRAWN = "drawn", _("Sample drawn")


class SpotCheckPlan(FSMModelMixin, models.Model):
    """A QA check of one period. Drawing stores the seed and the population (per merchandiser and
    stratum, the ordered order ids), so anyone can draw the same sample again and compare."""

    name = models.CharField(_("name"), max_length=120)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    sample_mode = models.CharField(_("sample size as"), max_length=10, choices=SampleMode.choices)
    sample_size = models.PositiveSmallIntegerField(_("sample size"), help_text=_("Orders, or percent."))
    stratify_by_stage = models.BooleanField(
        _("stratify by stage"), default=False, help_text=_("Draw from each order state separately, in proportion.")
    )
    status = StateField(_("state"), default=PlanStatus.DRAFT, choices=PlanStatus.choices, protected=True)
    seed = models.CharField(_("seed"), max_length=64, blank=True)
    population = models.JSONField(_("population"), default=dict, blank=True)
    drawn_at = models.DateTimeField(_("drawn at"), null=True, blank=True)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("spot-check plan")
        verbose_name_plural = _("spot-check plans")
        ordering = ["-period_start", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(period_end__gte=models.F("period_start")), name="plan_period_order"),
            models.CheckConstraint(condition=Q(sample_size__gte=1), name="plan_sample_positive"),
            models.CheckConstraint(
                condition=Q(sample_mode="count") | Q(sample_size__lte=100), name="plan_percent_at_most_100"
            ),
        ]

    def __str__(self):
        return self.name

    @transition(field=status, source=PlanStatus.DRAFT, target=PlanStatus.DRAWN)
    def draw(self):
        self.drawn_at = timezone.now()


class SpotCheckSample(models.Model):
    """One order drawn for checking."""

    plan = models.ForeignKey(SpotCheckPlan, on_delete=models.CASCADE, related_name="samples")
    order = models.ForeignKey(Order, verbose_name=_("order"), on_delete=models.PROTECT, related_name="spot_checks")
    merchandiser = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("merchandiser"), on_delete=models.PROTECT, related_name="+"
    )
    stratum = models.CharField(_("stage when drawn"), max_length=20, blank=True)
    position = models.PositiveIntegerField(default=0)
    scored_at = models.DateTimeField(_("scored at"), null=True, blank=True)
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("spot-check sample")
        verbose_name_plural = _("spot-check samples")
        ordering = ["plan", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["plan", "order"], name="sample_once_per_plan")]
        indexes = [models.Index(fields=["merchandiser", "scored_at"], name="sample_merch_scored_idx")]

    def __str__(self):
        return f"{self.plan_id}/{self.order_id}"


class SpotCheckResult(models.Model):
    sample = models.ForeignKey(SpotCheckSample, on_delete=models.CASCADE, related_name="results")
    item = models.ForeignKey(SpotCheckItem, verbose_name=_("item"), on_delete=models.PROTECT, related_name="+")
    passed = models.BooleanField(_("passed"))
    suggested = models.BooleanField(_("suggested by the records"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("spot-check result")
        verbose_name_plural = _("spot-check results")
        ordering = ["sample", "item__sequence", "item__code"]
        constraints = [models.UniqueConstraint(fields=["sample", "item"], name="result_once_per_item")]


class FindingSeverity(models.TextChoices):
    MINOR = "minor", _("Minor")
    MAJOR = "major", _("Major")
    CRITICAL = "critical", _("Critical")


class FindingStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    CLOSED = "closed", _("Closed")


class Finding(FSMModelMixin, models.Model):
    """A failed spot-check item turned into work: the merchandiser acknowledges it, does the corrective
    action and closes it with evidence."""

    storage_folder = "supervision"  # of the evidence file

    sample = models.ForeignKey(SpotCheckSample, on_delete=models.PROTECT, related_name="findings")
    result = models.OneToOneField(
        SpotCheckResult, on_delete=models.PROTECT, null=True, blank=True, related_name="finding"
    )
    merchandiser = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("merchandiser"), on_delete=models.PROTECT, related_name="findings"
    )
    severity = models.CharField(_("severity"), max_length=10, choices=FindingSeverity.choices)
    description = models.TextField(_("what was found"))
    corrective_action = models.TextField(_("corrective action"))
    due_date = models.DateField(_("due date"))
    status = StateField(_("state"), default=FindingStatus.OPEN, choices=FindingStatus.choices, protected=True)
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("raised at"), default=timezone.now)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    evidence = models.TextField(_("evidence"), blank=True)
    evidence_file = models.FileField(_("evidence file"), upload_to=stored_file_path, blank=True)
    evidence_name = models.CharField(_("file name"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["merchandiser", "status"], name="finding_merch_status_idx")]

    def __str__(self):
        return f"F-{self.pk:05d}" if self.pk else "F-new"

    @property
    def reference(self) -> str:
        return str(self)

    @property
    def is_overdue(self) -> bool:
        return self.status != FindingStatus.CLOSED and timezone.localdate() > self.due_date

    @transition(field=status, source=FindingStatus.OPEN, target=FindingStatus.ACKNOWLEDGED)
    def acknowledge(self):
        self.acknowledged_at = timezone.now()

    @transition(field=status, source=FindingStatus.ACKNOWLEDGED, target=FindingStatus.CLOSED)
    def close(self):
        self.closed_at = timezone.now()


# --- 5. violations and discipline (违规处理) ---------------------------------------------------------
class ViolationType(models.TextChoices):
    PROCESS = "process", _("Work process not followed")
    RECORD = "record", _("Work record missing or wrong")
    REPORT = "report", _("Weekly report missing or late")
    CUSTOMER = "customer", _("Customer harmed by own error")
    FINDING = "finding", _("QA finding not corrected")
    OTHER = "other", _("Other")


class ViolationSeverity(models.TextChoices):
    MINOR = "minor", _("Minor")
    SERIOUS = "serious", _("Serious")


class Sanction(models.TextChoices):
    WARNING = "warning", _("Warning on file")
    FINE = "fine", _("Fine")
    DEDUCTION = "deduction", _("Performance-pay deduction")
    REASSIGNMENT = "reassignment", _("Job reassignment")


# Sanctions that take money, and so need an amount.
MONEY_SANCTIONS = (Sanction.FINE, Sanction.DEDUCTION)


class ViolationStatus(models.TextChoices):
    RECORDED = "recorded", _("Awaiting decision")
    DECIDED = "decided", pgettext_lazy("violation", "Upheld")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged by the person")
    NOT_UPHELD = "not_upheld", _("Not upheld")
    APPEALED = "appealed", _("Under appeal")
    CONFIRMED = "confirmed", _("Upheld on appeal")
    OVERTURNED = "overturned", _("Overturned on appeal")


# The states in which a violation counts toward the ladder and the KPI: HR upheld it and no appeal has
# overturned it. An appeal does not suspend the decision until HR answers it.
COUNTING_STATUSES = (
    ViolationStatus.DECIDED,
    ViolationStatus.ACKNOWLEDGED,
    ViolationStatus.APPEALED,
    ViolationStatus.CONFIRMED,
)


class AppealAnswer(models.TextChoices):
    UPHELD = "upheld", _("Decision upheld")
    OVERTURNED = "overturned", _("Decision overturned")


class ViolationQuerySet(models.QuerySet):
    def upheld(self):
        """Those that count: upheld by HR and not overturned on appeal."""
        return self.filter(status__in=COUNTING_STATUSES)


class Violation(FSMModelMixin, models.Model):
    """A violation on file. The ladder proposes a sanction from the person's history; the supervisor
    gives their opinion; HR finds it upheld (with a sanction) or not upheld; the person acknowledges or
    appeals within SUPERVISION_APPEAL_DAYS working days, and HR answers. Nothing is ever deleted."""

    objects = ViolationQuerySet.as_manager()

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.PROTECT, related_name="violations"
    )
    type = models.CharField(_("type"), max_length=20, choices=ViolationType.choices)
    severity = models.CharField(_("severity"), max_length=10, choices=ViolationSeverity.choices)
    occurred_at = models.DateTimeField(_("occurred at"))
    order = models.ForeignKey(
        Order, verbose_name=_("order"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    finding = models.ForeignKey(
        Finding, verbose_name=_("finding"), on_delete=models.PROTECT, null=True, blank=True, related_name="violations"
    )
    description = models.TextField(_("what happened"))
    evidence = models.TextField(_("evidence"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    # The ladder's proposal, from the person's history when the violation was recorded.
    prior_count = models.PositiveSmallIntegerField(_("earlier violations in the window"), default=0)
    proposed_sanction = models.CharField(_("proposed sanction"), max_length=20, choices=Sanction.choices)
    proposed_amount = models.DecimalField(_("proposed fine"), max_digits=10, decimal_places=2, null=True, blank=True)
    # The person's supervisor takes part in the decision.
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("supervisor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    supervisor_agreed = models.BooleanField(_("supervisor agrees"), null=True, blank=True)
    supervisor_opinion = models.TextField(_("supervisor's opinion"), blank=True)
    supervisor_opinion_at = models.DateTimeField(null=True, blank=True)
    # HR's decision.
    decided_sanction = models.CharField(_("decided sanction"), max_length=20, choices=Sanction.choices, blank=True)
    # The amount of a fine or of a performance-pay deduction.
    fine_amount = models.DecimalField(_("amount"), max_digits=10, decimal_places=2, null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("reasons for the decision"), blank=True)
    status = StateField(_("state"), default=ViolationStatus.RECORDED, choices=ViolationStatus.choices, protected=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    # The person's appeal against an upheld decision, and HR's answer.
    appeal_deadline = models.DateField(_("appeal by"), null=True, blank=True)
    appeal_text = models.TextField(_("appeal"), blank=True)
    appealed_at = models.DateTimeField(_("appealed at"), null=True, blank=True)
    appeal_answer = models.CharField(_("answer to the appeal"), max_length=12, choices=AppealAnswer.choices, blank=True)
    appeal_comment = models.TextField(_("HR's comment on the appeal"), blank=True)
    appeal_answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("appeal answered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    appeal_answered_at = models.DateTimeField(_("appeal answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("violation")
        verbose_name_plural = _("violations")
        ordering = ["-occurred_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(decided_sanction__in=["fine", "deduction"]) | Q(fine_amount__gt=0),
                name="violation_fine_has_amount",
            ),
        ]
        indexes = [models.Index(fields=["person", "occurred_at"], name="violation_person_time_idx")]

    def __str__(self):
        return f"V-{self.pk:05d}" if self.pk else "V-new"

    @property
    def reference(self) -> str:
        return str(self)

    @transition(field=status, source=ViolationStatus.RECORDED, target=ViolationStatus.DECIDED)
    def decide(self):
        self.decided_at = timezone.now()

    @transition(field=status, source=ViolationStatus.RECORDED, target=ViolationStatus.NOT_UPHELD)
    def dismiss(self):
        self.decided_at = timezone.now()

    @transition(field=status, source=ViolationStatus.DECIDED, target=ViolationStatus.ACKNOWLEDGED)
    def acknowledge(self):
        self.acknowledged_at = timezone.now()

    @transition(
        field=status, source=[ViolationStatus.DECIDED, ViolationStatus.ACKNOWLEDGED], target=ViolationStatus.APPEALED
    )
    def appeal(self):
        self.appealed_at = timezone.now()

    @transition(field=status, source=ViolationStatus.APPEALED, target=ViolationStatus.CONFIRMED)
    def confirm(self):
        self.appeal_answered_at = timezone.now()

    @transition(field=status, source=ViolationStatus.APPEALED, target=ViolationStatus.OVERTURNED)
    def overturn(self):
        self.appeal_answered_at = timezone.now()

    @property
    def counts(self) -> bool:
        return self.status in COUNTING_STATUSES


# --- 6. the policy document (附则) ------------------------------------------------------------------
class PolicyStatus(models.TextChoices):
    DRAFT = "draft", _("Draft (HR)")
    IN_REVIEW = "in_review", _("Awaiting the supervisor's review")
    IN_APPROVAL = "in_approval", _("Awaiting management's approval")
    PUBLISHED = "published", _("Published")


class PolicyVersion(FSMModelMixin, models.Model):
    """One version of 跟单员工作管理制度, in Chinese and English. HR drafts; a department supervisor who
    did not draft it reviews; senior management, neither drafter nor reviewer, approves and publishes it
    with an effective date. Published versions are never changed."""

    version = models.CharField(_("version"), max_length=20, unique=True)
    title_zh = models.CharField(_("title (Chinese)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    body_zh = models.TextField(_("text (Chinese)"))
    body_en = models.TextField(_("text (English)"))
    change_summary = models.TextField(_("what changed"), blank=True)
    based_on = models.ForeignKey(
        "self", verbose_name=_("based on"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = StateField(_("state"), default=PolicyStatus.DRAFT, choices=PolicyStatus.choices, protected=True)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    drafted_at = models.DateTimeField(_("drafted at"), default=timezone.now)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    effective_date = models.DateField(_("effective from"), null=True, blank=True)

    class Meta:
        verbose_name = _("policy version")
        verbose_name_plural = _("policy versions")
        ordering = ["-drafted_at", "-id"]
        permissions = [
            ("review_policyversion", _("Can review a policy revision (department supervisor)")),
            ("approve_policyversion", _("Can approve and publish a policy revision (management)")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="published") | Q(effective_date__isnull=False, published_at__isnull=False),
                name="policy_published_has_dates",
            ),
        ]

    def __str__(self):
        return f"{self.title} v{self.version}"

    @property
    def title(self) -> str:
        return in_language(self.title_zh, self.title_en)

    @property
    def body(self) -> str:
        return in_language(self.body_zh, self.body_en)

    @transition(field=status, source=PolicyStatus.DRAFT, target=PolicyStatus.IN_REVIEW)
    def submit(self):
        self.submitted_at = timezone.now()

    @transition(field=status, source=PolicyStatus.IN_REVIEW, target=PolicyStatus.IN_APPROVAL)
    def review(self):
        self.reviewed_at = timezone.now()

    @transition(field=status, source=[PolicyStatus.IN_REVIEW, PolicyStatus.IN_APPROVAL], target=PolicyStatus.DRAFT)
    def send_back(self):
        self.submitted_at = None
        self.reviewed_at = None
        self.reviewed_by = None

    @transition(field=status, source=PolicyStatus.IN_APPROVAL, target=PolicyStatus.PUBLISHED)
    def approve(self):
        self.approved_at = self.published_at = timezone.now()


class PolicyAcknowledgement(models.Model):
    """A staff member read and acknowledged one published version."""

    version = models.ForeignKey(PolicyVersion, on_delete=models.PROTECT, related_name="acknowledgements")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="policy_acknowledgements"
    )
    acknowledged_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("policy acknowledgement")
        verbose_name_plural = _("policy acknowledgements")
        ordering = ["-acknowledged_at"]
        constraints = [models.UniqueConstraint(fields=["version", "person"], name="policy_ack_once")]


class PolicyInterpretation(models.Model):
    """HR's interpretation of one article of one policy version (附则 1: 本制度由人力资源部负责解释).
    `article` is the article's reference in that version's text (supervision.selectors.policy_blocks):
    "5" a chapter, "5.1" an article of it, "5.1.2" a numbered clause. Kept with the version it interprets,
    shown beside the article to everyone who reads that version; never edited (HR adds a newer one)."""

    version = models.ForeignKey(
        PolicyVersion, verbose_name=_("policy version"), on_delete=models.PROTECT, related_name="interpretations"
    )
    article = models.CharField(_("article"), max_length=20)
    body = models.TextField(_("interpretation"))
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("written by"), on_delete=models.PROTECT, related_name="+"
    )
    written_at = models.DateTimeField(_("written at"), default=timezone.now)

    class Meta:
        verbose_name = _("policy interpretation")
        verbose_name_plural = _("policy interpretations")
        ordering = ["version", "written_at", "id"]
        constraints = [models.CheckConstraint(condition=~Q(body=""), name="policyinterpretation_body_required")]
        indexes = [models.Index(fields=["version", "article"], name="policyinterp_version_article")]

    def __str__(self):
        return f"{self.version.version} {self.article}"
