"""The vocabulary of the evaluation: KPI codes, categories, units and scoring rules. No model imports, so
models, forms and the KPI definitions can all use it."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    TIMELINESS = "timeliness", _("Timeliness")
    ACCURACY = "accuracy", _("Accuracy")
    SATISFACTION = "satisfaction", _("Customer satisfaction")
    DISCIPLINE = "discipline", _("Discipline")
    ASSESSMENT = "assessment", _("Supervisor's assessment")


class KpiCode(models.TextChoices):
    CONFIRMATION_TIME = "confirmation_time", _("Confirmation within the working-hour limit")
    ON_TIME_DELIVERY = "on_time_delivery", _("On-time delivery rate (against the first promise)")
    ON_TIME_LATEST = "on_time_latest", _("On-time delivery rate (against the latest promise)")
    CHECKIN_COMPLIANCE = "checkin_compliance", _("Daily check-in compliance")
    WEEKLY_REPORTS = "weekly_reports", _("Weekly report punctuality")
    SLA_ADHERENCE = "sla_adherence", _("After-sales SLA adherence")
    ORDER_ACCURACY = "order_accuracy", _("Orders without corrections after confirmation")
    QA_FINDINGS = "qa_findings", _("QA findings per sampled order")
    SATISFACTION = "satisfaction", _("Average customer rating")
    COMPLAINT_RATE = "complaint_rate", _("Complaints per shipped order")
    VIOLATIONS = "violations", _("Violations on file")
    SUPERVISOR_RATING = "supervisor_rating", _("Supervisor's quarterly rating")


class Unit(models.TextChoices):
    PERCENT = "percent", _("per cent")
    RATIO = "ratio", _("per order")
    RATING = "rating", _("rating 1–5")
    COUNT = "count", _("count")


class Rule(models.TextChoices):
    LINEAR = "linear", _("Linear between floor and target")
    THRESHOLD = "threshold", _("Full score at the target, none below")
    DEDUCTION = "deduction", _("Points off per unit")


class QuarterStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    FINALISED = "finalised", _("Finalised")


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Finished")
    FAILED = "failed", _("Failed")


class RunTrigger(models.TextChoices):
    SCHEDULE = "schedule", _("Quarterly schedule")
    MANUAL = "manual", _("Started by HR")


class OutcomeKind(models.TextChoices):
    BONUS = "bonus", _("Bonus")
    WARNING = "warning", _("Warning")
    FINE = "fine", _("Fine")
    REASSIGNMENT = "reassignment", _("Job reassignment")


class AppealStatus(models.TextChoices):
    OPEN = "open", _("Waiting for HR")
    UPHELD = "upheld", _("Upheld")
    REJECTED = "rejected", _("Rejected")


class EventType(models.TextChoices):
    SCHEME_CREATED = "scheme_created", _("KPI scheme saved")
    RUN_STARTED = "run_started", _("Scoring started")
    RUN_FINISHED = "run_finished", _("Scoring finished")
    RUN_FAILED = "run_failed", _("Scoring failed")
    ADJUSTED = "adjusted", _("Score adjusted")
    COMMENTED = "commented", _("Comment added")
    FINALISED = "finalised", _("Quarter finalised")
    OUTCOME = "outcome", _("Reward or penalty recorded")
    ACKNOWLEDGED = "acknowledged", _("Scorecard acknowledged")
    APPEALED = "appealed", _("Appeal submitted")
    APPEAL_ANSWERED = "appeal_answered", _("Appeal answered")
    RATED = "rated", _("Supervisor's rating given")
