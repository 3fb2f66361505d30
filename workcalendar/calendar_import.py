"""Company holidays and make-up working days, imported from a file.

Two formats, told apart by their first line:
- CSV: `date,name[,kind]`, one day per line; kind is `holiday` (default) or `workday` (a weekend day
  worked in exchange, 调休). A header line and lines starting with # are skipped.
- ICS-lite: BEGIN:VCALENDAR … VEVENT blocks with DTSTART;VALUE=DATE:YYYYMMDD, optional DTEND (exclusive,
  so a multi-day holiday expands to each day) and SUMMARY. Events whose SUMMARY starts with "workday:"
  or "补班" are make-up working days.
Each date is upserted: importing the same file twice changes nothing.
"""

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils.translation import gettext as _

from core.dates import date_rule_error, shift

from .calendar import forget_calendar
from .models import CalendarDay, CalendarDayKind, CalendarEvent

MAX_DAYS = 2000  # a calendar file covers a few years, not centuries
WORKDAY_MARKERS = ("workday:", "补班", "上班")


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)


def _parse_date(text: str) -> date:
    text = text.strip()
    for fmt in ("%Y-%m-%d", "%Y%m%d", "%Y/%m/%d"):
        try:
            return datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a calendar date, no time zone
        except ValueError:
            continue
    raise ValueError(text)


def _kind(text: str) -> str:
    text = (text or "").strip().lower()
    if text in ("", CalendarDayKind.HOLIDAY, "off"):
        return CalendarDayKind.HOLIDAY
    if text in (CalendarDayKind.WORKDAY, "work", "makeup"):
        return CalendarDayKind.WORKDAY
    raise ValueError(text)


def _parse_csv(text: str, errors: list[str]) -> list[tuple[date, str, str]]:
    rows = []
    header_possible = True
    for number, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        if not row or not "".join(row).strip() or row[0].strip().startswith("#"):
            continue
        first_line, header_possible = header_possible, False
        try:
            day = _parse_date(row[0])
        except ValueError:
            if first_line:
                continue  # a header line
            errors.append(_("Line %(n)d: “%(value)s” is not a date (YYYY-MM-DD).") % {"n": number, "value": row[0]})
            continue
        if problem := date_rule_error(day):
            errors.append(_("Line %(n)d: %(problem)s") % {"n": number, "problem": problem})
            continue
        name = row[1].strip() if len(row) > 1 else ""
        try:
            kind = _kind(row[2] if len(row) > 2 else "")
        except ValueError:
            errors.append(_("Line %(n)d: the kind must be holiday or workday.") % {"n": number})
            continue
        rows.append((day, name or str(day), kind))
    return rows


def _unfold(text: str) -> list[str]:
    lines: list[str] = []
    for raw in text.splitlines():
        if raw[:1] in (" ", "\t") and lines:
            lines[-1] += raw[1:]
        else:
            lines.append(raw.rstrip("\r"))
    return lines


def _parse_ics(text: str, errors: list[str]) -> list[tuple[date, str, str]]:
    rows, event = [], None
    for line in _unfold(text):
        key, _sep, value = line.partition(":")
        name = key.split(";", 1)[0].upper()
        if line.upper() == "BEGIN:VEVENT":
            event = {}
        elif line.upper() == "END:VEVENT" and event is not None:
            try:
                start = _parse_date(event.get("DTSTART", "")[:8])
                end = _parse_date(event["DTEND"][:8]) if event.get("DTEND") else shift(start, 1)
            except ValueError:
                errors.append(
                    _("An event without a valid date was skipped: %(summary)s") % {"summary": event.get("SUMMARY", "?")}
                )
                event = None
                continue
            summary = event.get("SUMMARY", "").strip() or str(start)
            if problem := date_rule_error(start) or date_rule_error(end):
                errors.append(_("%(summary)s: %(problem)s") % {"summary": summary, "problem": problem})
                event = None
                continue
            workday = summary.lower().startswith(WORKDAY_MARKERS)
            kind = CalendarDayKind.WORKDAY if workday else CalendarDayKind.HOLIDAY
            if workday and summary.lower().startswith("workday:"):
                summary = summary[len("workday:") :].strip() or summary
            day = start
            # Both ends keep the date rule, so this stops within a few years; MAX_DAYS + 1 is enough to refuse.
            while day < max(end, start + timedelta(days=1)) and len(rows) <= MAX_DAYS:
                rows.append((day, summary, kind))
                day += timedelta(days=1)
            event = None
        elif event is not None and name in ("DTSTART", "DTEND", "SUMMARY"):
            event[name] = value
    return rows


def calendar_parse(text: str) -> tuple[list[tuple[date, str, str]], list[str]]:
    errors: list[str] = []
    text = text.lstrip("\ufeff")
    parse = _parse_ics if text.lstrip().upper().startswith("BEGIN:VCALENDAR") else _parse_csv
    rows = parse(text, errors)
    if len(rows) > MAX_DAYS:
        errors.append(_("The file has more than %(n)d days; split it.") % {"n": MAX_DAYS})
        rows = []
    return rows, errors


def calendar_import(*, text: str, actor=None) -> ImportResult:
    """Upsert the file's days. A file with any error imports nothing, so a half-read file never lands."""
    rows, errors = calendar_parse(text)
    result = ImportResult(errors=errors)
    if errors:
        return result
    if not rows:
        result.errors.append(_("The file has no dates."))
        return result
    with transaction.atomic():
        forget_calendar()  # the cached calendar (WorkCalendar.load)
        existing = {d.date: d for d in CalendarDay.objects.select_for_update().filter(date__in=[r[0] for r in rows])}
        for day, name, kind in rows:
            current = existing.get(day)
            if current is None:
                existing[day] = CalendarDay.objects.create(date=day, name=name[:100], kind=kind)
                result.created += 1
            elif (current.name, current.kind) != (name[:100], kind):
                current.name, current.kind = name[:100], kind
                current.save(update_fields=["name", "kind"])
                result.updated += 1
            else:
                result.unchanged += 1
        CalendarEvent.objects.create(
            actor=actor,
            action="imported",
            payload={
                "first": str(min(r[0] for r in rows)),
                "last": str(max(r[0] for r in rows)),
                "created": result.created,
                "updated": result.updated,
            },
        )
    return result
