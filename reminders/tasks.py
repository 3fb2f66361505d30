"""Thin, idempotent jobs: each calls services; running one twice changes nothing the second time."""

from datetime import date

from celery import shared_task

from .services import chase as chase_all
from .services import digests_send


@shared_task(name="reminders.send_digests", ignore_result=True)
def send_digests(day: str | None = None):
    """Each working morning at REMINDERS_DIGEST_TIME: every person's digest (one per person and day).
    `day` (ISO) makes a given day's digests instead of today's."""
    return digests_send(day=date.fromisoformat(day) if day else None)


@shared_task(name="reminders.chase", ignore_result=True)
def chase():
    """Hourly: reminders before deadlines, approvals waiting too long, the escalation of what is overdue."""
    return chase_all()
