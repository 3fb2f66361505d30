"""Working time in SQL: the index behind "confirmed within N working hours of receipt".

Working days come from production's company calendar (weekends, holidays, make-up days); the hours from
settings.EVALUATION_WORKDAY_START/END in settings.TIME_ZONE. Each local day is one WorkingDay row, so the
working seconds up to an instant t are

    W(t) = before(day of t) + clamp(epoch(t) − opens(day of t), 0, seconds(day of t))

and "within N working hours" is W(confirmed) − W(received) ≤ N × 3600: a correlated look-up per
timestamp into a table of a few thousand rows, inside the KPI's one grouped query.
"""

from datetime import UTC, date, datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import BigIntegerField, DateTimeField, ExpressionWrapper, F, Func, OuterRef, Subquery, Value
from django.db.models.functions import Greatest, Least, TruncDate
from django.utils import timezone

from workcalendar.calendar import WorkCalendar

from .models import WorkingDay
from .quarters import company_tz

ORIGIN = date(2020, 1, 1)  # the index starts here; instants before it have no working time
HORIZON_DAYS = 60  # the index reaches this far past today


class Epoch(Func):
    """Seconds since 1970-01-01 UTC of a datetime column, as an integer, on PostgreSQL and SQLite."""

    output_field = BigIntegerField()

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="FLOOR(EXTRACT(EPOCH FROM %(expressions)s))::bigint", **extra)

    def as_sqlite(self, compiler, connection, **extra):
        # Not strftime('%s'): the backend rewrites every %s in the SQL into a parameter placeholder.
        template = "CAST(ROUND((julianday(%(expressions)s) - 2440587.5) * 86400) AS INTEGER)"
        return self.as_sql(compiler, connection, template=template, **extra)


def _hours() -> tuple[time, time]:
    start = time.fromisoformat(settings.EVALUATION_WORKDAY_START)
    end = time.fromisoformat(settings.EVALUATION_WORKDAY_END)
    if end <= start:
        raise ValueError("EVALUATION_WORKDAY_END must be after EVALUATION_WORKDAY_START")
    return start, end


def _epoch(moment: datetime) -> int:
    return int(moment.astimezone(UTC).timestamp())


def build_days(*, until: date, calendar: WorkCalendar | None = None) -> list[WorkingDay]:
    """Every day from ORIGIN to `until` with its working window and the running total before it."""
    calendar = calendar or WorkCalendar.load()
    tz = company_tz()
    start, end = _hours()
    rows, before = [], 0
    day = ORIGIN
    while day <= until:
        if calendar.is_working_day(day):
            opens = datetime.combine(day, start, tzinfo=tz)
            seconds = int((datetime.combine(day, end, tzinfo=tz) - opens).total_seconds())
        else:
            opens, seconds = datetime.combine(day, time(0), tzinfo=tz), 0
        rows.append(WorkingDay(day=day, opens=_epoch(opens), seconds=seconds, before=before))
        before += seconds
        day += timedelta(days=1)
    return rows


def working_days_refresh(*, until: date | None = None) -> int:
    """Bring the index up to date with the calendar (idempotent). Writes only the rows that differ; returns
    how many. Two reads when nothing changed."""
    until = until or (timezone.localdate() + timedelta(days=HORIZON_DAYS))
    wanted = build_days(until=until)
    current = {d: (o, s, b) for d, o, s, b in WorkingDay.objects.values_list("day", "opens", "seconds", "before")}
    changed = [row for row in wanted if current.get(row.day) != (row.opens, row.seconds, row.before)]
    if changed:
        with transaction.atomic():
            WorkingDay.objects.bulk_create(
                changed,
                batch_size=1000,
                update_conflicts=True,
                unique_fields=["day"],
                update_fields=["opens", "seconds", "before"],
            )
    return len(changed)


def working_days_ensure(*, upto: date) -> None:
    """Refresh the index when it does not reach `upto` yet (a cheap check for live pages)."""
    if not WorkingDay.objects.filter(day=upto).exists():
        working_days_refresh(until=max(upto, timezone.localdate()) + timedelta(days=HORIZON_DAYS))


def working_seconds_at(field: str):
    """W(field) as an SQL expression, for use inside a query over the model that has `field`."""
    # TruncDate needs to know its argument is a datetime; a bare OuterRef does not say.
    outer = ExpressionWrapper(OuterRef(field), output_field=DateTimeField())
    inner = (
        WorkingDay.objects.filter(day=TruncDate(outer, tzinfo=company_tz()))
        .annotate(
            w=ExpressionWrapper(
                F("before")
                + Least(
                    Greatest(Epoch(outer) - F("opens"), Value(0), output_field=BigIntegerField()),
                    F("seconds"),
                    output_field=BigIntegerField(),
                ),
                output_field=BigIntegerField(),
            ),
        )
        .values("w")[:1]
    )
    return Subquery(inner, output_field=BigIntegerField())


def working_seconds_of(moment: datetime) -> int | None:
    """W(moment) computed in Python from the index (for constants such as 'now')."""
    local = moment.astimezone(company_tz())
    row = WorkingDay.objects.filter(day=local.date()).first()
    if row is None:
        return None
    return row.before + min(max(_epoch(moment) - row.opens, 0), row.seconds)
