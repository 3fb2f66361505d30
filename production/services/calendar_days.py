"""One calendar day written or deleted by hand (the admin); a whole file goes through calendar_import."""

from django.db import transaction
from django.db.models import QuerySet

from ..calendar import forget_calendar
from ..models import CalendarDay


def calendar_day_save(*, day: CalendarDay) -> CalendarDay:
    """Save a new or changed day (validated by the caller's form) and drop the cached calendar, so the
    next plan, worklist or job counts with it. The admin's own log records who did it."""
    with transaction.atomic():
        day.save()
        forget_calendar()  # the cached calendar (production.calendar.WorkCalendar.load)
    return day


def calendar_days_delete(*, days: QuerySet[CalendarDay]) -> int:
    """Delete the days and drop the cached calendar. Returns how many were deleted."""
    with transaction.atomic():
        deleted, _ = days.delete()
        forget_calendar()  # the cached calendar (production.calendar.WorkCalendar.load)
    return deleted
