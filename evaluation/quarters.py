"""Calendar quarters in the company's time zone (settings.TIME_ZONE, Asia/Shanghai).

A quarter runs from local midnight on its first day to local midnight on the first day of the next one,
so an order received at 23:30 on 31 March in Shanghai (15:30 UTC) belongs to Q1, and one received at
00:30 on 1 April (16:30 UTC on 31 March) to Q2.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

_LABEL = re.compile(r"^\s*(\d{4})\s*-?\s*[Qq]([1-4])\s*$")


def company_tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    q: int

    def __post_init__(self):
        if not 1 <= self.q <= 4:
            raise ValueError(f"quarter must be 1..4, not {self.q}")
        if not 2000 <= self.year <= 2100:
            raise ValueError(f"year out of range: {self.year}")

    def __str__(self) -> str:
        return f"{self.year}Q{self.q}"

    @property
    def label(self) -> str:
        return str(self)

    @classmethod
    def parse(cls, text: str) -> "Quarter":
        match = _LABEL.match(str(text))
        if not match:
            raise ValueError(f"not a quarter: {text!r} (expected e.g. 2026Q1)")
        return cls(int(match[1]), int(match[2]))

    @classmethod
    def of_date(cls, day: date) -> "Quarter":
        return cls(day.year, (day.month - 1) // 3 + 1)

    @classmethod
    def containing(cls, instant: datetime | None = None) -> "Quarter":
        """The quarter of an instant (default now), read in the company's time zone."""
        instant = instant or timezone.now()
        return cls.of_date(instant.astimezone(company_tz()).date())

    @classmethod
    def current(cls) -> "Quarter":
        return cls.containing()

    @property
    def first_day(self) -> date:
        return date(self.year, 3 * (self.q - 1) + 1, 1)

    @property
    def last_day(self) -> date:
        return self.next().first_day - timedelta(days=1)

    @property
    def start(self) -> datetime:
        """Local midnight of the first day, as an aware datetime (inclusive)."""
        return datetime.combine(self.first_day, datetime.min.time(), tzinfo=company_tz())

    @property
    def end(self) -> datetime:
        """Local midnight of the next quarter's first day (exclusive)."""
        return self.next().start

    def next(self) -> "Quarter":
        return Quarter(self.year + 1, 1) if self.q == 4 else Quarter(self.year, self.q + 1)

    def previous(self) -> "Quarter":
        return Quarter(self.year - 1, 4) if self.q == 1 else Quarter(self.year, self.q - 1)

    def months(self) -> list[date]:
        return [date(self.year, 3 * (self.q - 1) + i, 1) for i in (1, 2, 3)]

    def contains(self, instant: datetime) -> bool:
        return self.start <= instant < self.end

    def is_over(self, now: datetime | None = None) -> bool:
        return (now or timezone.now()) >= self.end


def recent_quarters(count: int, *, upto: Quarter | None = None) -> list[Quarter]:
    """`count` quarters ending with `upto` (default the current one), oldest first."""
    quarter = upto or Quarter.current()
    found = [quarter]
    for _ in range(count - 1):
        quarter = quarter.previous()
        found.append(quarter)
    return list(reversed(found))
