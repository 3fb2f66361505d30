"""SLA clocks that count working time only.

The working days are the company calendar's (workcalendar: weekends, holidays, make-up working days), the
same days every other clock counts; each has the same hours (CALENDAR_WORKDAY_START/END, in
settings.TIME_ZONE). So a deadline that would fall on a holiday moves to the next working day's hours. All
arithmetic is done on UTC instants, so a time zone with daylight saving still counts real seconds; the
windows themselves are drawn in local time.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

from django.conf import settings

from workcalendar.calendar import WorkCalendar

MAX_DAYS = 3660  # ten years: a calendar with no working day at all must not loop forever


@dataclass(frozen=True)
class WorkingCalendar:
    start: time
    end: time
    days: WorkCalendar
    tz: tzinfo

    @classmethod
    def company(cls) -> "WorkingCalendar":
        return cls(
            start=time.fromisoformat(settings.CALENDAR_WORKDAY_START),
            end=time.fromisoformat(settings.CALENDAR_WORKDAY_END),
            days=WorkCalendar.load(),
            tz=ZoneInfo(settings.TIME_ZONE),
        )

    def __post_init__(self):
        if self.end <= self.start:
            raise ValueError("The working day must end after it starts.")

    @property
    def seconds_per_day(self) -> int:
        return int((datetime.combine(date.min, self.end) - datetime.combine(date.min, self.start)).total_seconds())

    def window(self, day: date) -> tuple[datetime, datetime] | None:
        """The working hours of `day` as UTC instants, or None on a day off."""
        if not self.days.is_working_day(day):
            return None
        opens = datetime.combine(day, self.start, tzinfo=self.tz).astimezone(UTC)
        closes = datetime.combine(day, self.end, tzinfo=self.tz).astimezone(UTC)
        return opens, closes

    def _local_day(self, instant: datetime) -> date:
        return instant.astimezone(self.tz).date()

    def seconds_between(self, start: datetime, end: datetime) -> int:
        """Working seconds in [start, end). Zero when end is not after start."""
        start, end = start.astimezone(UTC), end.astimezone(UTC)
        if end <= start:
            return 0
        total = 0.0
        day, last = self._local_day(start), self._local_day(end)
        while day <= last:
            window = self.window(day)
            if window:
                overlap = (min(end, window[1]) - max(start, window[0])).total_seconds()
                if overlap > 0:
                    total += overlap
            day += timedelta(days=1)
        return round(total)

    def add(self, start: datetime, seconds: float) -> datetime:
        """The instant when `seconds` of working time have passed since `start`."""
        start = start.astimezone(UTC)
        if seconds <= 0:
            return start
        remaining = float(seconds)
        day = self._local_day(start)
        for _ in range(MAX_DAYS):
            window = self.window(day)
            if window:
                begin = max(start, window[0])
                if begin < window[1]:
                    available = (window[1] - begin).total_seconds()
                    if remaining <= available:
                        return begin + timedelta(seconds=remaining)
                    remaining -= available
            day += timedelta(days=1)
        raise ValueError("The working calendar has no working time.")

    def subtract(self, end: datetime, seconds: float) -> datetime:
        """The instant `seconds` of working time before `end`."""
        end = end.astimezone(UTC)
        if seconds <= 0:
            return end
        remaining = float(seconds)
        day = self._local_day(end)
        for _ in range(MAX_DAYS):
            window = self.window(day)
            if window:
                finish = min(end, window[1])
                if finish > window[0]:
                    available = (finish - window[0]).total_seconds()
                    if remaining <= available:
                        return finish - timedelta(seconds=remaining)
                    remaining -= available
            day -= timedelta(days=1)
        raise ValueError("The working calendar has no working time.")


def calendar() -> WorkingCalendar:
    return WorkingCalendar.company()
