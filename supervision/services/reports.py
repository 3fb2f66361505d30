"""Weekly work reports (定期汇报, policy ch.4 art.3.2): drafted from the records, edited and submitted by
the merchandiser, read by the supervisor; reports not submitted by the due time are flagged."""

from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from accounts.roles import Role, has_role
from core import waiting
from core.errors import InvalidInput, NotPermitted, TransitionRefused
from orders.models.order import order_draft_name
from supervision.models import Suggestion
from supervision.services.suggestions import suggestion_submit

from ..events import supervision_event
from ..models import ReportStatus, WeeklyReport
from ..selectors import all_merchandisers, leads, report_figures
from ..weeks import report_due_at, this_week, week_start_of


def _summary_text(figures: dict, language: str) -> str:
    """A first line for the merchandiser to edit, in their language."""
    with translation.override(language or None):
        checkins = figures["checkins"]
        return _(
            "This week: %(new)d new orders, %(advanced)d order steps, check-ins %(done)d done and "
            "%(missed)d missed, %(shipments)d shipments, %(opened)d after-sales cases opened and "
            "%(resolved)d resolved (%(open)d still open)."
        ) % {
            "new": figures["new_orders"],
            "advanced": len(figures["advanced"]),
            "done": checkins["done"],
            "missed": checkins["missed"],
            "shipments": len(figures["shipments"]),
            "opened": figures["cases"]["opened"],
            "resolved": figures["cases"]["resolved"],
            "open": figures["cases"]["open"],
        }


def _problems_text(figures: dict) -> str:
    """The week's check-in problems, one per line, as the first text of "problems and help needed"."""
    lines = []
    for entry in figures.get("problems", []):
        name = entry["label"] or order_draft_name(
            customer=entry["draft"]["zh"] or entry["draft"]["en"], po=entry["draft"]["po"]
        )
        lines.append(f"{entry['day']} {name}: {' '.join(entry['problem'].split())}")
    return "\n".join(lines)


def report_draft(*, merchandiser, week_start: date, actor=None) -> tuple[WeeklyReport, bool]:
    """The merchandiser's report of the week, drafted from the records if it does not exist yet.
    Idempotent (unique per person and week). Returns (report, created)."""
    week_start = week_start_of(week_start)
    existing = WeeklyReport.objects.filter(merchandiser=merchandiser, week_start=week_start).first()
    if existing is not None:
        return existing, False
    figures = report_figures(merchandiser=merchandiser, week_start=week_start)
    try:
        with transaction.atomic():
            report = WeeklyReport.objects.create(
                merchandiser=merchandiser,
                week_start=week_start,
                due_at=report_due_at(week_start),
                figures=figures,
                figures_at=timezone.now(),
                summary=_summary_text(figures, merchandiser.preferred_language),
                problems=_problems_text(figures),
            )
            supervision_event(report, "drafted", actor)
    except IntegrityError:
        return WeeklyReport.objects.get(merchandiser=merchandiser, week_start=week_start), False
    return report, True


def report_start_mine(*, actor, week_start: date | None = None) -> WeeklyReport:
    if not has_role(actor, Role.MERCHANDISER):
        raise NotPermitted(_("Weekly reports are written by merchandisers."))
    return report_draft(merchandiser=actor, week_start=week_start or this_week(), actor=actor)[0]


def reports_draft_for_week(*, week_start: date | None = None) -> int:
    """The job before the due day: a draft for every merchandiser who has none yet."""
    week_start = week_start or this_week()
    return sum(1 for person in all_merchandisers() if report_draft(merchandiser=person, week_start=week_start)[1])


def reports_flag_missing(*, now=None) -> int:
    """The job after the due time: every merchandiser's report of the current week (and any earlier
    draft) still not submitted once due is flagged missing, once. Idempotent."""
    now = now or timezone.now()
    week_start = week_start_of(timezone.localdate(now))
    if now > report_due_at(week_start):
        for person in all_merchandisers():
            report_draft(merchandiser=person, week_start=week_start)
    with transaction.atomic():
        due = WeeklyReport.objects.select_for_update().filter(
            submitted_at__isnull=True, missing_flagged_at__isnull=True, due_at__lt=now
        )
        flagged = list(due)
        for report in flagged:
            report.missing_flagged_at = now
            supervision_event(report, "flagged_missing", None, due_at=report.due_at.isoformat())
        WeeklyReport.objects.bulk_update(flagged, ["missing_flagged_at"])
    return len(flagged)


def _lock_own_draft(report_id, actor) -> WeeklyReport:
    try:
        report = WeeklyReport.objects.select_for_update().get(pk=report_id)
    except WeeklyReport.DoesNotExist as exc:
        raise InvalidInput(_("This report no longer exists.")) from exc
    if report.merchandiser_id != actor.pk:
        raise NotPermitted(_("Only the author changes a weekly report."))
    if report.status != ReportStatus.DRAFT:
        raise TransitionRefused(_("The report has been submitted and can no longer be changed."))
    return report


def report_save(*, report_id, actor, summary: str, problems: str, plans: str) -> WeeklyReport:
    with transaction.atomic():
        report = _lock_own_draft(report_id, actor)
        report.summary, report.problems, report.plans = summary.strip(), problems.strip(), plans.strip()
        report.save(update_fields=["summary", "problems", "plans"])
        supervision_event(report, "edited", actor)
    return report


def report_refresh_figures(*, report_id, actor) -> WeeklyReport:
    """Take the figures from the records again (the week went on since the draft was made)."""
    with transaction.atomic():
        report = _lock_own_draft(report_id, actor)
        report.figures = report_figures(merchandiser=actor, week_start=report.week_start)
        report.figures_at = timezone.now()
        fields = ["figures", "figures_at"]
        if not report.problems.strip():  # never overwrite what the merchandiser wrote
            report.problems = _problems_text(report.figures)
            fields.append("problems")
        report.save(update_fields=fields)
        supervision_event(report, "figures_refreshed", actor)
    return report


def report_link_suggestion(*, report_id, actor, suggestion_id) -> WeeklyReport:
    """Attach one of the author's improvement suggestions (aftersales.Suggestion) to the report."""
    with transaction.atomic():
        report = _lock_own_draft(report_id, actor)
        suggestion = Suggestion.objects.filter(pk=suggestion_id, author=actor).first()
        if suggestion is None:
            raise InvalidInput(_("Choose one of your own suggestions."))
        report.suggestions.add(suggestion)
        supervision_event(report, "suggestion_linked", actor, suggestion=suggestion.pk)
    return report


def report_add_suggestion(*, report_id, actor, title: str, body: str, topic: str) -> Suggestion:
    """Make a new improvement suggestion (the after-sales app's, decided by the supervisor there) and
    attach it to the report, in one transaction."""
    with transaction.atomic():
        report = _lock_own_draft(report_id, actor)
        suggestion = suggestion_submit(actor=actor, title=title, body=body, topic=topic)
        report.suggestions.add(suggestion)
        supervision_event(report, "suggestion_linked", actor, suggestion=suggestion.pk)
    return suggestion


def report_submit(*, report_id, actor) -> WeeklyReport:
    with transaction.atomic():
        waiting.changed()  # "Waiting for you" counts (core/waiting.py)
        report = _lock_own_draft(report_id, actor)
        if not report.summary.strip():
            raise InvalidInput(_("Write what you did this week before you submit."))
        report.submit()
        report.save(update_fields=["status", "submitted_at"])
        supervision_event(report, "submitted", actor, late=report.is_late)
    return report


def report_review(*, report_id, actor, comment: str) -> WeeklyReport:
    """The supervisor read the report, with a comment for the author."""
    with transaction.atomic():
        waiting.changed()  # "Waiting for you" counts (core/waiting.py)
        try:
            report = (
                WeeklyReport.objects.select_for_update(of=("self",))
                .select_related("merchandiser__team")
                .get(pk=report_id)
            )
        except WeeklyReport.DoesNotExist as exc:
            raise InvalidInput(_("This report no longer exists.")) from exc
        if not leads(actor, report.merchandiser):
            raise NotPermitted(_("Only the author's supervisor reads and answers this report."))
        if not can_proceed(report.review):
            raise TransitionRefused(_("Only a submitted report can be marked as read."))
        report.review()
        report.reviewed_by, report.review_comment = actor, comment.strip()
        report.save(update_fields=["status", "reviewed_at", "reviewed_by", "review_comment"])
        supervision_event(report, "reviewed", actor, note=comment.strip())
    return report
