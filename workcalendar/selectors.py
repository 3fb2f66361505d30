"""Reads of the company calendar for pages: the days of a span, and whether next year is loaded yet."""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.utils import timezone

from .calendar import WorkCalendar
from .models import CalendarDay, CalendarEvent


@dataclass(frozen=True)
class MissingYear:
    year: int


def missing_next_year(*, today: date | None = None) -> MissingYear | None:
    """From CALENDAR_WARN_FROM_MONTH (1 November) to the year's end: next year, if it has no day at all.
    The State Council publishes the notice in late October or November."""
    today = today or timezone.localdate()
    if today.month < settings.CALENDAR_WARN_FROM_MONTH:
        return None
    year = today.year + 1
    return None if WorkCalendar.load().year_is_loaded(year) else MissingYear(year)


def calendar_days_from(*, start: date, limit: int = 400):
    return CalendarDay.objects.filter(date__gte=start)[:limit]


def calendar_version() -> int:
    """Moves with every change made through the services (each writes a CalendarEvent): a clock that
    stores deadlines compares it with the version it last projected them on."""
    return CalendarEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def calendar_changes(*, limit: int = 20):
    return CalendarEvent.objects.select_related("actor")[:limit]
