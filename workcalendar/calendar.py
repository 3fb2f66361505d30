"""The company calendar: weekends from settings, company holidays and make-up working days (调休) from
the database. Every clock counts working days through one `WorkCalendar`: check-ins, T&A plans, the
after-sales SLA, weekly report due times and meeting days, and the KPIs' working time.

A year with no row at all has not been loaded (the State Council publishes the next year's notice in
November). Its statutory fixed-date holidays still hold, so no clock counts 1 January, 1–2 May or 1–3
October of such a year as a working day; the lunar holidays and make-up days wait for the notice, and
`year_is_loaded` drives the warning that asks HR to load it.

Dates are indexed once per loaded range, so adding, subtracting and counting working days are O(1)
look-ups: the nightly flag job does this for every open order.
"""

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from datetime import date, timedelta

from django.conf import settings

from core.dates import shift

# A year of margin each side of any date asked about; extended on demand, up to a span past which a new
# index replaces the old one.
_MARGIN_DAYS = 366
_INDEX_MAX_DAYS = 40 * 366


# The holidays of the national law (全国年节及纪念日放假办法) that fall on the same date every year.
STATUTORY_FIXED = frozenset({(1, 1), (5, 1), (5, 2), (10, 1), (10, 2), (10, 3)})


class WorkCalendar:
    def __init__(
        self,
        *,
        weekend: Iterable[int] = (5, 6),
        holidays: Iterable[date] = (),
        workdays: Iterable[date] = (),
        loaded_years: Iterable[int] | None = None,
    ):
        self.weekend = frozenset(int(d) for d in weekend)
        if len(self.weekend) >= 7:
            raise ValueError("A week needs at least one working day.")
        self.holidays = frozenset(holidays)
        self.workdays = frozenset(workdays)  # weekend days worked in exchange for a holiday
        # None: a calendar built by hand (tests, benchmarks) that knows only the days it was given. A set:
        # the company calendar, whose other years keep the statutory fixed-date holidays.
        self.loaded_years = None if loaded_years is None else frozenset(loaded_years)
        # (lo, hi, the working days in [lo, hi] ascending), replaced whole so that a calendar shared by the
        # threads of a process never shows one range with another's days.
        self._index: tuple[date, date, list[date]] | None = None

    @property
    def _days(self) -> list[date]:
        return self._index[2] if self._index else []

    @classmethod
    def load(cls) -> "WorkCalendar":
        """The company calendar: a few dozen rows a year, read on every order page and check-in list, so
        kept in the cache. Whatever writes a day drops it (forget_calendar): the services in
        workcalendar/services.py."""
        days = _cached_days()
        if days is None:
            from .models import CalendarDay, CalendarDayKind

            holidays, workdays = [], []
            for day, kind in CalendarDay.objects.values_list("date", "kind"):
                (workdays if kind == CalendarDayKind.WORKDAY else holidays).append(day)
            days = (tuple(holidays), tuple(workdays))
            _remember_days(days)
        global _loaded
        weekend = tuple(settings.CALENDAR_WEEKEND_DAYS)
        if _loaded is not None and _loaded[0] == (days, weekend):
            return _loaded[1]  # the same days: keep the index this process has built over them
        holidays, workdays = days
        years = {d.year for d in holidays} | {d.year for d in workdays}
        calendar = cls(weekend=weekend, holidays=holidays, workdays=workdays, loaded_years=years)
        _loaded = ((days, weekend), calendar)
        return calendar

    def year_is_loaded(self, year: int) -> bool:
        return self.loaded_years is None or year in self.loaded_years

    def is_working_day(self, day: date) -> bool:
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        if not self.year_is_loaded(day.year) and (day.month, day.day) in STATUTORY_FIXED:
            return False
        return day.weekday() not in self.weekend

    # --- the index -----------------------------------------------------------------------------
    def _cover(self, *days: date) -> list[date]:
        """The working days of an index covering `days` (with a margin), built or widened as needed."""
        lo = shift(min(days), -_MARGIN_DAYS)
        hi = shift(max(days), _MARGIN_DAYS)
        index = self._index
        if index is not None and index[0] <= lo and hi <= index[1]:
            return index[2]
        if index is not None and (max(hi, index[1]) - min(lo, index[0])).days <= _INDEX_MAX_DAYS:
            lo, hi = min(lo, index[0]), max(hi, index[1])
        # else: a date far from the indexed ones (a stored 9999-12-31) gets an index of its own rather than
        # one stretching across the centuries between.
        working = [
            lo + timedelta(days=i) for i in range((hi - lo).days + 1) if self.is_working_day(lo + timedelta(days=i))
        ]
        self._index = (lo, hi, working)
        return working

    def on_or_before(self, day: date) -> date:
        """The day itself if it is a working day, else the last working day before it."""
        working = self._cover(day)
        index = bisect_right(working, day) - 1
        return working[index] if index >= 0 else day  # none before the start of the calendar

    def on_or_after(self, day: date) -> date:
        working = self._cover(day)
        index = bisect_left(working, day)
        return working[index] if index < len(working) else day  # none after its end

    def subtract(self, day: date, working_days: int) -> date:
        """`working_days` working days before `day` (aligned first to a working day on or before it)."""
        if working_days < 0:
            return self.add(day, -working_days)
        working = self._cover(day, shift(day, -(working_days * 2 + 14)))
        index = bisect_right(working, day) - 1 - working_days
        if index < 0:
            working = self._cover(shift(day, -(working_days * 7 + 30)), day)
            index = bisect_right(working, day) - 1 - working_days
        return working[max(index, 0)] if working else day  # the calendar's first day at the most

    def add(self, day: date, working_days: int) -> date:
        """`working_days` working days after `day` (aligned first to a working day on or after it)."""
        if working_days < 0:
            return self.subtract(day, -working_days)
        working = self._cover(day, shift(day, working_days * 2 + 14))
        index = bisect_left(working, day) + working_days
        if index >= len(working):
            working = self._cover(day, shift(day, working_days * 7 + 30))
            index = bisect_left(working, day) + working_days
        return working[min(index, len(working) - 1)] if working else day  # its last day at the most

    def count_between(self, start: date, end: date) -> int:
        """Working days in (start, end]; negative when end is before start. Tomorrow from today is 1."""
        if end < start:
            return -self.count_between(end, start)
        if (end - start).days > _INDEX_MAX_DAYS:
            return self._count_by_weeks(start, end)
        working = self._cover(start, end)
        return bisect_right(working, end) - bisect_right(working, start)

    def _count_by_weeks(self, start: date, end: date) -> int:
        """count_between without the index, for spans too long to index (a date stored centuries away):
        whole weeks, the days left over, then the holidays and make-up days in between. The fixed-date
        holidays of unloaded years are left out: across centuries they shift nothing anyone reads."""
        weeks, rest = divmod((end - start).days, 7)
        count = weeks * (7 - len(self.weekend))
        count += sum(1 for i in range(1, rest + 1) if (start.weekday() + i) % 7 not in self.weekend)
        count -= sum(
            1 for day in self.holidays - self.workdays if start < day <= end and day.weekday() not in self.weekend
        )
        count += sum(1 for day in self.workdays if start < day <= end and day.weekday() in self.weekend)
        return count


# The calendar this process last loaded, with the days it was built from: while they are the same, every
# request shares its index instead of building one again.
_loaded: tuple[tuple, "WorkCalendar"] | None = None


# --- the calendar's days in the cache -------------------------------------------------------------------
# A failing cache counts as a miss (django-redis, IGNORE_EXCEPTIONS): the calendar is read from the table.
_CACHE_KEY = "workcalendar:days:v1"
_CACHE_SECONDS = 3600  # a backstop: the services that write a day drop the entry at once


def _cached_days():
    from django.core.cache import cache

    return cache.get(_CACHE_KEY)


def _remember_days(days) -> None:
    from django.core.cache import cache

    cache.set(_CACHE_KEY, days, _CACHE_SECONDS)


def forget_calendar() -> None:
    """Drop the cached days now and again once the writing transaction commits: a page that read the old
    rows in between may have put them back."""
    from django.core.cache import cache
    from django.db import transaction

    cache.delete(_CACHE_KEY)
    transaction.on_commit(lambda: cache.delete(_CACHE_KEY))
