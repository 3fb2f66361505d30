"""Thin, idempotent jobs: each calls one service; running one twice changes nothing the second time."""

from celery import shared_task

from .services import checkins_create_for_day, checkins_mark_missed, flags_refresh_all


@shared_task(name="production.create_daily_checkins", ignore_result=True)
def create_daily_checkins():
    """Each morning: today's check-in for every in-production order (nothing on non-working days)."""
    return checkins_create_for_day()


@shared_task(name="production.mark_missed_checkins", ignore_result=True)
def mark_missed_checkins():
    """Each night: check-ins still to do are missed."""
    return checkins_mark_missed()


@shared_task(name="production.refresh_flags", ignore_result=True)
def refresh_flags():
    """Each night after midnight: at-risk and overdue flags of every open order."""
    return flags_refresh_all()
