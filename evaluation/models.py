"""Quarterly performance evaluation (绩效评估, policy ch.5 art.2) and its rewards and penalties (奖惩).

- A KPI scheme (weights, targets, floors, rules) is versioned per quarter and never edited in place: HR
  saves a new version. Each scored line copies what it used, so a later scheme never rewrites a past quarter.
- An EvaluationQuarter is draft until HR finalises it; then it is frozen (the services refuse).
- An EvaluationRun is one scoring job with its progress, which the HR page polls.
- A Scorecard per merchandiser and quarter; a ScoreLine per KPI with the raw numerator and denominator, the
  score and the weighted points; unique (quarter, merchandiser, KPI), so a re-run replaces and never adds.

Nothing here is written outside evaluation.services.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMModelMixin, transition

from core.fields import StateField
from core.models import AppendOnlyEvent

from .codes import (
    AppealStatus,
    Category,
    EventType,
    KpiCode,
    OutcomeKind,
    QuarterStatus,
    Rule,
    RunStatus,
    RunTrigger,
    Unit,
)
from .quarters import Quarter
from .scoring import kpi_points

SCORE = {"max_digits": 5, "decimal_places": 2}
RAW = {"max_digits": 16, "decimal_places": 4}


# --- the KPI scheme ------------------------------------------------------------------------------------
class KpiScheme(models.Model):
    """Weights, targets and rules from `year`Q`quarter` on, until a later scheme. Append-only: HR edits by
    saving a new version."""

    year = models.PositiveSmallIntegerField(_("from year"))
    quarter = models.PositiveSmallIntegerField(_("from quarter"))
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    note = models.TextField(_("what changed and why"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("KPI scheme")
        verbose_name_plural = _("KPI schemes")
        ordering = ["-year", "-quarter", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["year", "quarter", "version"], name="kpischeme_unique_version"),
            models.CheckConstraint(condition=Q(quarter__gte=1, quarter__lte=4), name="kpischeme_quarter_1_4"),
        ]

    def __str__(self):
        return f"{self.first_quarter} v{self.version}"

    @property
    def first_quarter(self) -> Quarter:
        return Quarter(self.year, self.quarter)


class KpiSchemeLine(models.Model):
    scheme = models.ForeignKey(KpiScheme, on_delete=models.CASCADE, related_name="lines")
    kpi = models.CharField(_("KPI"), max_length=30, choices=KpiCode.choices)
    weight = models.PositiveSmallIntegerField(_("weight"))
    target = models.DecimalField(_("target"), **RAW)
    floor = models.DecimalField(_("floor"), **RAW)
    rule = models.CharField(_("scoring rule"), max_length=12, choices=Rule.choices, default=Rule.LINEAR)
    param = models.DecimalField(
        _("parameter"),
        null=True,
        blank=True,
        help_text=_("Working hours allowed (confirmation) or points off per unit (deduction rule)."),
        **RAW,
    )

    class Meta:
        verbose_name = _("KPI scheme line")
        verbose_name_plural = _("KPI scheme lines")
        ordering = ["scheme", "id"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "kpi"], name="kpischemeline_unique_kpi"),
            models.CheckConstraint(condition=Q(weight__lte=100), name="kpischemeline_weight_max_100"),
        ]

    def __str__(self):
        return f"{self.scheme} {self.kpi} {self.weight}"


# --- the working-time index ----------------------------------------------------------------------------
class WorkingDay(models.Model):
    """One local day of the company calendar, indexed so SQL can count working seconds between two instants:
    W(t) = before + clamp(epoch(t) − opens, 0, seconds). Rebuilt from production's calendar and the
    EVALUATION_WORKDAY_* hours by evaluation.worktime; never edited by hand."""

    day = models.DateField(primary_key=True)
    opens = models.BigIntegerField(
        help_text="UTC epoch seconds when the working hours start (local midnight on a day off)"
    )
    seconds = models.PositiveIntegerField(help_text="working seconds in the day (0 on a day off)")
    before = models.BigIntegerField(help_text="working seconds from the index origin to `opens`")

    class Meta:
        verbose_name = _("working day")
        verbose_name_plural = _("working-time index")


# --- the quarter, its runs, its scorecards ---------------------------------------------------------------
class EvaluationQuarter(FSMModelMixin, models.Model):
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"))
    status = StateField(_("state"), default=QuarterStatus.DRAFT, choices=QuarterStatus.choices, protected=True)
    scheme = models.ForeignKey(
        KpiScheme, verbose_name=_("KPI scheme"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    computed_at = models.DateTimeField(_("last scored at"), null=True, blank=True)
    finalised_at = models.DateTimeField(_("finalised at"), null=True, blank=True)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("evaluation quarter")
        verbose_name_plural = _("evaluation quarters")
        ordering = ["-year", "-quarter"]
        constraints = [
            models.UniqueConstraint(fields=["year", "quarter"], name="evaluationquarter_unique"),
            models.CheckConstraint(condition=Q(quarter__gte=1, quarter__lte=4), name="evaluationquarter_1_4"),
        ]

    def __str__(self):
        return str(self.period)

    @property
    def period(self) -> Quarter:
        return Quarter(self.year, self.quarter)

    @property
    def is_frozen(self) -> bool:
        return self.status == QuarterStatus.FINALISED

    @transition(field=status, source=QuarterStatus.DRAFT, target=QuarterStatus.FINALISED)
    def finalise(self):
        self.finalised_at = timezone.now()


class EvaluationRun(models.Model):
    """One scoring job. Progress lives here (total and done steps) so any web process can show it."""

    evaluation = models.ForeignKey(EvaluationQuarter, on_delete=models.CASCADE, related_name="runs")
    trigger = models.CharField(_("started by"), max_length=10, choices=RunTrigger.choices)
    status = models.CharField(_("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    scheme = models.ForeignKey(KpiScheme, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    attempts = models.PositiveSmallIntegerField(default=0)
    people = models.PositiveIntegerField(_("merchandisers scored"), default=0)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("scoring run")
        verbose_name_plural = _("scoring runs")
        ordering = ["-created_at", "-id"]
        constraints = [
            # The quarterly schedule starts one run per quarter, however often beat delivers the job.
            models.UniqueConstraint(
                fields=["evaluation"], condition=Q(trigger="schedule"), name="evaluationrun_one_scheduled"
            ),
        ]
        indexes = [models.Index(fields=["evaluation", "status"], name="evaluationrun_status_idx")]

    def __str__(self):
        return f"{self.evaluation} run {self.pk} {self.status}"

    @property
    def percent(self) -> int:
        if self.status == RunStatus.DONE:
            return 100
        return int(100 * self.done / self.total) if self.total else 0

    @property
    def is_active(self) -> bool:
        return self.status in (RunStatus.QUEUED, RunStatus.RUNNING)


class Scorecard(models.Model):
    evaluation = models.ForeignKey(EvaluationQuarter, on_delete=models.CASCADE, related_name="scorecards")
    merchandiser = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("merchandiser"), on_delete=models.PROTECT, related_name="scorecards"
    )
    team = models.ForeignKey(
        "accounts.Team", verbose_name=_("team"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    run = models.ForeignKey(EvaluationRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    # No total (NULL) means "not enough data": the KPIs that had data weigh too little to score the person.
    computed_total = models.DecimalField(_("computed total"), null=True, blank=True, **SCORE)
    total = models.DecimalField(_("total"), null=True, blank=True, **SCORE)
    coverage = models.PositiveSmallIntegerField(
        _("weight measured"),
        default=0,
        help_text=_("The weights of the KPIs that applied; the total is scaled to 100."),
    )
    computed_at = models.DateTimeField(default=timezone.now)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)

    class Meta:
        verbose_name = _("scorecard")
        verbose_name_plural = _("scorecards")
        ordering = ["evaluation", F("total").desc(nulls_last=True), "merchandiser_id"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "merchandiser"], name="scorecard_unique_person"),
        ]
        indexes = [models.Index(fields=["evaluation", "team"], name="scorecard_team_idx")]

    def __str__(self):
        return f"{self.evaluation} {self.merchandiser}"

    @property
    def has_score(self) -> bool:
        """False when there was not enough data to score: no total, no rank, no reward."""
        return self.total is not None

    @property
    def is_adjusted(self) -> bool:
        return self.total != self.computed_total


class ScoreLine(models.Model):
    """One KPI of one scorecard: what was counted (numerator, denominator), the value, the score and the
    weighted points, with the scheme line it was scored under copied in."""

    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="lines")
    evaluation = models.ForeignKey(EvaluationQuarter, on_delete=models.CASCADE, related_name="+")
    merchandiser = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kpi = models.CharField(_("KPI"), max_length=30, choices=KpiCode.choices)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices)
    weight = models.PositiveSmallIntegerField(_("weight"))
    target = models.DecimalField(_("target"), **RAW)
    floor = models.DecimalField(_("floor"), **RAW)
    rule = models.CharField(_("scoring rule"), max_length=12, choices=Rule.choices)
    param = models.DecimalField(_("parameter"), null=True, blank=True, **RAW)
    numerator = models.DecimalField(_("numerator"), default=Decimal(0), **RAW)
    denominator = models.DecimalField(_("denominator"), null=True, blank=True, **RAW)
    value = models.DecimalField(_("value"), null=True, blank=True, **RAW)
    applicable = models.BooleanField(_("applies"), default=True)
    score = models.DecimalField(_("score"), default=Decimal(0), **SCORE)
    points = models.DecimalField(_("weighted points"), default=Decimal(0), **SCORE)
    adjusted_score = models.DecimalField(_("adjusted score"), null=True, blank=True, **SCORE)

    class Meta:
        verbose_name = _("KPI result")
        verbose_name_plural = _("KPI results")
        ordering = ["scorecard", "id"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "merchandiser", "kpi"], name="scoreline_unique_kpi"),
            models.CheckConstraint(condition=Q(score__gte=0, score__lte=100), name="scoreline_score_0_100"),
            models.CheckConstraint(
                condition=Q(adjusted_score__isnull=True) | Q(adjusted_score__gte=0, adjusted_score__lte=100),
                name="scoreline_adjusted_0_100",
            ),
        ]

    def __str__(self):
        return f"{self.scorecard} {self.kpi}"

    @property
    def effective_score(self) -> Decimal:
        return self.adjusted_score if self.adjusted_score is not None else self.score

    @property
    def effective_points(self) -> Decimal:
        return kpi_points(score=self.effective_score, weight=self.weight) if self.applicable else Decimal(0)


class ScoreAdjustment(models.Model):
    """HR's change to one KPI score: who, when, the old and new score, and the reason (required)."""

    line = models.ForeignKey(ScoreLine, on_delete=models.CASCADE, related_name="adjustments")
    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="adjustments")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"), default=timezone.now)
    old_score = models.DecimalField(_("old score"), **SCORE)
    new_score = models.DecimalField(_("new score"), **SCORE)
    reason = models.TextField(_("reason"))

    class Meta:
        verbose_name = _("score adjustment")
        verbose_name_plural = _("score adjustments")
        ordering = ["at", "id"]
        constraints = [models.CheckConstraint(condition=~Q(reason=""), name="scoreadjustment_reason_required")]


class ScorecardComment(models.Model):
    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("comment"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("scorecard comment")
        verbose_name_plural = _("scorecard comments")
        ordering = ["created_at", "id"]


class SupervisorRating(models.Model):
    """The supervisor's assessment (policy 5.1.2): one rating (1–5) and a comment per merchandiser and quarter,
    given by the supervisor of the merchandiser's team. Scored as the KPI `supervisor_rating`; re-rating a
    draft quarter replaces it (the audit event keeps the old one), a finalised quarter refuses."""

    evaluation = models.ForeignKey(EvaluationQuarter, on_delete=models.CASCADE, related_name="ratings")
    merchandiser = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("merchandiser"), on_delete=models.PROTECT, related_name="+"
    )
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("rated by"), on_delete=models.PROTECT, related_name="+"
    )
    rating = models.PositiveSmallIntegerField(_("rating"))
    comment = models.TextField(_("comment"))
    rated_at = models.DateTimeField(_("rated at"), default=timezone.now)

    class Meta:
        verbose_name = _("supervisor's rating")
        verbose_name_plural = _("supervisor's ratings")
        ordering = ["evaluation", "merchandiser_id"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "merchandiser"], name="supervisorrating_unique_person"),
            models.CheckConstraint(condition=Q(rating__gte=1, rating__lte=5), name="supervisorrating_1_5"),
            models.CheckConstraint(condition=~Q(comment=""), name="supervisorrating_comment_required"),
        ]

    def __str__(self):
        return f"{self.evaluation} {self.merchandiser_id} {self.rating}/5"


class Outcome(models.Model):
    """A reward or penalty (奖惩) for one person, decided on a finalised quarter's result and, for penalties,
    on the discipline record (the violations it cites, when the supervision app keeps them)."""

    scorecard = models.ForeignKey(Scorecard, on_delete=models.PROTECT, related_name="outcomes")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="evaluation_outcomes")
    kind = models.CharField(_("kind"), max_length=15, choices=OutcomeKind.choices)
    amount = models.DecimalField(_("amount (CNY)"), max_digits=10, decimal_places=2, null=True, blank=True)
    reason = models.TextField(_("reason"))
    violations = models.ManyToManyField(
        "supervision.Violation", verbose_name=_("violations cited"), blank=True, related_name="evaluation_outcomes"
    )
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("reward or penalty")
        verbose_name_plural = _("rewards and penalties")
        ordering = ["-decided_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="outcome_reason_required"),
            models.CheckConstraint(condition=Q(amount__isnull=True) | Q(amount__gt=0), name="outcome_amount_positive"),
        ]


class Appeal(models.Model):
    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="appeals")
    reason = models.TextField(_("reason"))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(_("status"), max_length=10, choices=AppealStatus.choices, default=AppealStatus.OPEN)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["scorecard"], condition=Q(status="open"), name="appeal_one_open"),
            models.CheckConstraint(condition=~Q(reason=""), name="appeal_reason_required"),
        ]
        indexes = [models.Index(fields=["status"], condition=Q(status="open"), name="appeal_open_idx")]


class EvaluationEvent(AppendOnlyEvent):
    """The audit record of the evaluation: every service that writes adds one line. Append-only."""

    evaluation = models.ForeignKey(EvaluationQuarter, on_delete=models.CASCADE, null=True, related_name="events")
    scorecard = models.ForeignKey(Scorecard, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    type = models.CharField(_("type"), max_length=20, choices=EventType.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    payload = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("evaluation event")
        verbose_name_plural = _("evaluation events")
        ordering = ["created_at", "id"]
