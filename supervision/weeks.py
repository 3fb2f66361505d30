"""The company week: Monday to Sunday in the company's time zone, and the configured times within it
(SUPERVISION_MEETING_WEEKDAY/TIME, SUPERVISION_REPORT_DUE_WEEKDAY/TIME; weekday 0 is Monday). A meeting
or a due time that falls on a day off of the company calendar moves to the next working day."""

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.utils import timezone

from workcalendar.calendar import WorkCalendar


def week_start_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def this_week() -> date:
    return week_start_of(timezone.localdate())


def parse_hhmm(value: str) -> time:
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


def local_datetime(day: date, at: time = time(0, 0)) -> datetime:
    return timezone.make_aware(datetime.combine(day, at), timezone.get_default_timezone())


def week_bounds(week_start: date) -> tuple[datetime, datetime]:
    """[Monday 00:00, next Monday 00:00) in the company's time zone."""
    return local_datetime(week_start), local_datetime(week_start + timedelta(days=7))


def working_day_on_or_after(day: date) -> date:
    return WorkCalendar.load().on_or_after(day)


def meeting_scheduled_at(week_start: date) -> datetime:
    day = working_day_on_or_after(week_start + timedelta(days=settings.SUPERVISION_MEETING_WEEKDAY))
    return local_datetime(day, parse_hhmm(settings.SUPERVISION_MEETING_TIME))


def report_due_at(week_start: date) -> datetime:
    day = working_day_on_or_after(week_start + timedelta(days=settings.SUPERVISION_REPORT_DUE_WEEKDAY))
    return local_datetime(day, parse_hhmm(settings.SUPERVISION_REPORT_DUE_TIME))
