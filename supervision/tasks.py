"""Thin, idempotent jobs: each calls one service; running one twice changes nothing the second time."""

from celery import shared_task

from .services.meetings import meetings_create_for_week
from .services.reports import reports_draft_for_week, reports_flag_missing


@shared_task(name="supervision.create_weekly_meetings", ignore_result=True)
def create_weekly_meetings():
    """Monday morning: every team's meeting of the week, with its agenda (one per team and week)."""
    return meetings_create_for_week()


@shared_task(name="supervision.draft_weekly_reports", ignore_result=True)
def draft_weekly_reports():
    """The morning of the due day: a draft report for every merchandiser who has not started one."""
    return reports_draft_for_week()


@shared_task(name="supervision.flag_missing_reports", ignore_result=True)
def flag_missing_reports():
    """Every hour: reports whose due time passed without a submission are flagged missing (once)."""
    return reports_flag_missing()
