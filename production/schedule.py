"""The T&A arithmetic, without the database: back-scheduling, milestone status, projection and risk.

Services and selectors feed these functions model instances (or anything with the same attributes) and
a WorkCalendar, so the rules are tested on plain values and run the same in a request or a nightly job.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from core.dates import shift
from orders.models import OrderState
from workcalendar.calendar import WorkCalendar

from .models import DEFAULT_TEMPLATE, MilestoneStatus

# Overdue applies until the goods leave; at-risk while there is a plan to fall behind.
OVERDUE_STATES = frozenset({OrderState.RECEIVED, OrderState.CONFIRMED, OrderState.ENTERED, OrderState.IN_PRODUCTION})
AT_RISK_STATES = frozenset({OrderState.ENTERED, OrderState.IN_PRODUCTION})


# --- back-scheduling -------------------------------------------------------------------------------
@dataclass(frozen=True)
class ScheduledMilestone:
    source: object  # the TemplateMilestone
    offset_days: int  # as scheduled: smaller than the template's when the plan is compressed
    planned_date: date


@dataclass(frozen=True)
class Schedule:
    template: object
    ex_factory: date
    transit_days: int
    span: int  # working days the template needs from its first milestone to ex-factory
    available: int  # working days between the first possible start and ex-factory
    milestones: list[ScheduledMilestone] = field(default_factory=list)

    @property
    def is_compressed(self) -> bool:
        return self.span > self.available

    @property
    def shortfall_days(self) -> int:
        return max(0, self.span - self.available)


def template_span(milestones: Iterable) -> int:
    return max((m.offset_days for m in milestones), default=0)


def template_for(product_types: Iterable[str], templates: Sequence, milestones_of) -> object | None:
    """The template of the order's product types; several types: the one needing the longest lead time,
    so no line is planned tighter than its type needs. None of them configured: the default template."""
    by_type = {t.product_type: t for t in templates}
    candidates = [by_type[pt] for pt in set(product_types) if pt in by_type]
    if not candidates:
        return by_type.get(DEFAULT_TEMPLATE)
    return max(candidates, key=lambda t: (template_span(milestones_of(t)), t.product_type))


def schedule_backward(
    *, template, milestones: Sequence, transit_days: int, delivery_date: date, today: date, calendar: WorkCalendar
) -> Schedule:
    """Work back from ex-factory: ex-factory is the last working day on or before the delivery date minus
    transit; each milestone falls `offset_days` working days before it.

    When the delivery date leaves fewer working days than the template needs, the offsets are scaled
    down proportionally (order and dependencies kept) so the first milestone falls on the first working
    day from today: the plan is recorded as compressed, with how many working days it is short.
    """
    ex_factory = calendar.on_or_before(shift(delivery_date, -transit_days))
    start = calendar.on_or_after(today)
    available = max(0, calendar.count_between(start, ex_factory))
    span = template_span(milestones)
    scheduled = []
    for m in sorted(milestones, key=lambda m: (m.sequence, m.pk or 0)):
        offset = m.offset_days
        if span > available:
            offset = (offset * available) // span if span else 0
        scheduled.append(ScheduledMilestone(m, offset, calendar.subtract(ex_factory, offset)))
    return Schedule(template, ex_factory, transit_days, span, available, scheduled)


# --- status, variance, projection ------------------------------------------------------------------
def milestone_status(m, *, today: date, calendar: WorkCalendar, at_risk_days: int) -> str:
    """Done once it has an actual date; late when its due date (revised, else planned) has passed;
    at risk within `at_risk_days` working days of it; on track before that."""
    if m.actual_date:
        return MilestoneStatus.DONE
    due = m.revised_date or m.planned_date
    if today > due:
        return MilestoneStatus.LATE
    if calendar.count_between(today, due) <= at_risk_days:
        return MilestoneStatus.AT_RISK
    return MilestoneStatus.ON_TRACK


def milestone_variance(m, *, today: date, calendar: WorkCalendar) -> int:
    """Working days behind the baseline (negative: ahead). Done: actual vs planned. Not done: the later
    of today and the due date, vs planned."""
    if m.actual_date:
        return calendar.count_between(m.planned_date, m.actual_date)
    due = m.revised_date or m.planned_date
    return calendar.count_between(m.planned_date, max(due, today))


def project(milestones: Sequence, *, today: date, calendar: WorkCalendar) -> dict:
    """The date each milestone is now expected, keyed by pk.

    Done: its actual date. Not done: its due date, but never before today, and never sooner after its
    dependency's projected date than the plan allowed between the two. A slip upstream thus carries
    downstream; an early finish does not pull later milestones in.
    """
    first_possible = calendar.on_or_after(today)
    by_pk = {m.pk: m for m in milestones}
    projected: dict = {}
    for m in sorted(milestones, key=lambda m: (m.sequence, m.pk or 0)):
        if m.actual_date:
            projected[m.pk] = m.actual_date
            continue
        expected = max(m.revised_date or m.planned_date, first_possible)
        dep = by_pk.get(m.depends_on_id)
        if dep is not None and dep.pk in projected:
            gap = max(0, calendar.count_between(dep.planned_date, m.planned_date))
            expected = max(expected, calendar.add(projected[dep.pk], gap))
        projected[m.pk] = expected
    return projected


@dataclass(frozen=True)
class Assessment:
    is_at_risk: bool
    is_overdue: bool
    projected_finish: date | None
    late_critical: tuple = ()  # codes of critical milestones that are late


def assess(
    *, status: str, delivery_date: date, plan, milestones: Sequence, today: date, calendar: WorkCalendar
) -> Assessment:
    """The order's flags. At risk: a critical milestone is late, or the projected finish falls after the
    plan's ex-factory date. Overdue: the promised date has passed and the goods have not shipped."""
    is_overdue = status in OVERDUE_STATES and delivery_date < today
    if status not in AT_RISK_STATES or plan is None or not milestones:
        return Assessment(False, is_overdue, None)
    late_critical = tuple(
        m.code for m in milestones if m.is_critical and not m.actual_date and today > (m.revised_date or m.planned_date)
    )
    projected = project(milestones, today=today, calendar=calendar)
    finish = projected[max(milestones, key=lambda m: (m.sequence, m.pk or 0)).pk]
    return Assessment(bool(late_critical) or finish > plan.ex_factory_date, is_overdue, finish, late_critical)


# --- the promise's early warning -------------------------------------------------------------------
@dataclass(frozen=True)
class PromiseBreak:
    milestone: object
    projected: date  # when it is now expected (project())
    latest_safe: date  # the last working day it can be done on and still ship in time for the promise

    @property
    def is_broken(self) -> bool:
        return self.projected > self.latest_safe


def promise_breaks(
    *, delivery_date: date, transit_days: int, milestones: Sequence, today: date, calendar: WorkCalendar
) -> list[PromiseBreak]:
    """For each open milestone: its projection and the last day it may finish on without carrying the
    ex-factory date past the one the promised delivery needs. The plan's own spacing between the milestone
    and ex-factory is kept, so a milestone's latest safe day is that many working days before the needed
    ex-factory date."""
    if not milestones:
        return []
    needed = calendar.on_or_before(shift(delivery_date, -transit_days))
    last = max(milestones, key=lambda m: (m.sequence, m.pk or 0))
    projected = project(milestones, today=today, calendar=calendar)
    breaks = []
    for m in milestones:
        if m.actual_date:
            continue
        gap = max(0, calendar.count_between(m.planned_date, last.planned_date))
        breaks.append(PromiseBreak(m, projected[m.pk], calendar.subtract(needed, gap)))
    return breaks
