"""Every change to the company calendar: one day by hand (HR's page, the admin) or a whole file
(calendar_import). Each drops the cached calendar and writes a CalendarEvent."""

from datetime import date

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from core.dates import date_rule_error
from core.errors import InvalidInput

from .calendar import forget_calendar
from .calendar_import import ImportResult, calendar_import, calendar_parse
from .models import CalendarDay, CalendarDayKind, CalendarEvent

__all__ = [
    "ImportResult",
    "calendar_day_delete",
    "calendar_day_save",
    "calendar_day_set",
    "calendar_days_delete",
    "calendar_import",
    "calendar_parse",
]


def _event(actor, action: str, day: CalendarDay) -> None:
    CalendarEvent.objects.create(
        actor=actor, action=action, payload={"date": str(day.date), "name": day.name, "kind": day.kind}
    )


def calendar_day_save(*, day: CalendarDay, actor=None) -> CalendarDay:
    """Save a new or changed day (validated by the caller's form, e.g. the admin's) and drop the cached
    calendar, so the next plan, worklist or job counts with it."""
    with transaction.atomic():
        action = "changed" if day.pk else "added"
        day.save()
        forget_calendar()
        _event(actor, action, day)
    return day


def calendar_day_set(*, actor, day: date, name: str, kind: str) -> CalendarDay:
    """HR's page: make `day` a holiday or a make-up working day, replacing what the date held."""
    name = (name or "").strip()
    if problem := date_rule_error(day):
        raise InvalidInput(problem)
    if not name:
        raise InvalidInput(_("Give the day a name, e.g. 国庆节 National Day."))
    if kind not in CalendarDayKind.values:
        raise InvalidInput(_("The kind must be holiday or make-up working day."))
    with transaction.atomic():
        row = CalendarDay.objects.select_for_update().filter(date=day).first()
        action = "changed" if row else "added"
        row = row or CalendarDay(date=day)
        row.name, row.kind = name[:100], kind
        row.save()
        forget_calendar()
        _event(actor, action, row)
    return row


def calendar_day_delete(*, actor, day_id: int) -> None:
    """HR's page: the date follows the weekly pattern again."""
    with transaction.atomic():
        row = CalendarDay.objects.select_for_update().filter(pk=day_id).first()
        if row is None:
            raise InvalidInput(_("This day is no longer in the calendar."))
        _event(actor, "removed", row)
        row.delete()
        forget_calendar()


def calendar_days_delete(*, days: QuerySet[CalendarDay], actor=None) -> int:
    """Delete the days (the admin's bulk action) and drop the cached calendar. Returns how many."""
    with transaction.atomic():
        for row in days:
            _event(actor, "removed", row)
        deleted, _count = days.delete()
        forget_calendar()
    return deleted
