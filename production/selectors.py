"""Reads for production pages and panels. Orders are always reached through orders_visible_to, and each
function costs a constant number of queries however many orders or milestones it returns."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from core.dates import shift
from orders.hooks import related_or_none
from orders.models import Order, OrderLine, OrderState
from orders.selectors import order_lines, orders_visible_to
from workcalendar.calendar import WorkCalendar

from .models import (
    CheckIn,
    CheckInStatus,
    DelayReason,
    FactoryLink,
    FactoryPhoto,
    FactoryReport,
    FactoryReportMilestone,
    PlanMilestone,
    PlanTemplate,
    ProductionPlan,
    PromiseWarning,
)
from .schedule import Schedule, assess, milestone_status, milestone_variance, project, schedule_backward, template_for

BOARD_PAGE_SIZE = 50
CHECKIN_FILTERS = ("todo", "done", "all")  # the first is the default
CHECKIN_PAGE_SIZES = (25, 50, 100)  # the first is the default


# --- delay reasons ----------------------------------------------------------------------------------
# A short list the admin rarely edits, offered by the delay form on every in-production order page: kept in
# the cache, dropped by whatever writes a reason (production/services/delay_reasons.py). A failing cache
# is a miss (django-redis, IGNORE_EXCEPTIONS).
_DELAY_REASONS_KEY = "production:delay-reasons:v2"
_DELAY_REASONS_SECONDS = 3600  # a backstop: the services that write a reason drop the entry at once


def delay_reasons_active() -> list[DelayReason]:
    from django.core.cache import cache

    reasons = cache.get(_DELAY_REASONS_KEY)
    if reasons is None:
        reasons = list(DelayReason.objects.filter(active=True))
        cache.set(_DELAY_REASONS_KEY, reasons, _DELAY_REASONS_SECONDS)
    return reasons


def forget_delay_reasons() -> None:
    """Drop the cached reasons now and again once the writing transaction commits: a page that read the old
    rows in between may have put them back."""
    from django.core.cache import cache
    from django.db import transaction

    cache.delete(_DELAY_REASONS_KEY)
    transaction.on_commit(lambda: cache.delete(_DELAY_REASONS_KEY))


# --- the plan --------------------------------------------------------------------------------------
def plan_templates() -> list[PlanTemplate]:
    return list(PlanTemplate.objects.prefetch_related("milestones"))


def plan_preview(
    *,
    order: Order,
    today: date | None = None,
    calendar: WorkCalendar | None = None,
    templates: list | None = None,
    product_types: list[str] | None = None,
) -> Schedule | None:
    """The plan the order would get if it were entered today, so the order page can warn before entry
    when the delivery date is too close for the template. None when no template is configured.
    `templates` (with their milestones prefetched) and the order's `product_types`: when the caller read
    them for many orders at once."""
    if product_types is None:
        product_types = [line.product.product_type for line in order_lines(order=order) if line.product_id]
    if templates is None:
        templates = plan_templates()
    template = template_for(product_types, templates, lambda t: t.milestones.all())
    if template is None:
        return None
    return schedule_backward(
        template=template,
        milestones=list(template.milestones.all()),
        transit_days=template.effective_transit_days(),
        delivery_date=order.delivery_date,
        today=today or timezone.localdate(),
        calendar=calendar or WorkCalendar.load(),
    )


@dataclass(frozen=True)
class MilestoneRow:
    milestone: PlanMilestone
    status: str
    variance: int
    projected: date


def plan_view(*, order: Order, today: date | None = None) -> dict | None:
    """The order's plan with each milestone's status, variance and projected date, the order's risk
    assessment and the Gantt geometry. Two queries: milestones and the calendar (cached)."""
    plan = related_or_none(order, "production_plan")  # joined in by the order page (orders.hooks)
    if plan is None:
        return None
    today = today or timezone.localdate()
    calendar = WorkCalendar.load()
    milestones = list(plan.milestones.all())
    projected = project(milestones, today=today, calendar=calendar)
    rows = [
        MilestoneRow(
            m,
            milestone_status(m, today=today, calendar=calendar, at_risk_days=settings.PRODUCTION_AT_RISK_DAYS),
            milestone_variance(m, today=today, calendar=calendar),
            projected[m.pk],
        )
        for m in milestones
    ]
    assessment = assess(
        status=order.status,
        delivery_date=order.delivery_date,
        plan=plan,
        milestones=milestones,
        today=today,
        calendar=calendar,
    )
    return {"plan": plan, "rows": rows, "assessment": assessment, "gantt": gantt(rows, plan=plan, today=today)}


def customer_milestones(order: Order) -> list[dict]:
    """orders.hooks source for the customer's status page: the critical milestones with their current
    dates while the order is planned or in production. Nothing staff-only: no owners, no reasons."""
    if order.status not in (OrderState.ENTERED, OrderState.IN_PRODUCTION):
        return []
    milestones = PlanMilestone.objects.filter(plan__order=order, is_critical=True).order_by("sequence")
    return [
        {"label": m.name, "planned": m.due_date, "actual": m.actual_date, "done": bool(m.actual_date)}
        for m in milestones
    ]


# --- the Gantt chart: server-side geometry, drawn as inline SVG without any style attribute ---------------
GANTT_LABEL_WIDTH = 190
GANTT_CHART_WIDTH = 640
GANTT_ROW_HEIGHT = 26
GANTT_TOP = 34
GANTT_TICKS_MAX = 46  # a tick every 14 px at the least


def gantt(rows: list[MilestoneRow], *, plan: ProductionPlan, today: date) -> dict:
    """Planned, revised and actual as bars and markers on one time axis. Each milestone's bar spans from
    its predecessor's date to its own, so the chart reads as the critical path."""
    dates = [today, plan.ex_factory_date]
    for row in rows:
        m = row.milestone
        dates += [d for d in (m.planned_date, m.revised_date, m.actual_date, row.projected) if d]
    first = shift(min(dates), -3)
    last = shift(max(dates), 3)
    scale = GANTT_CHART_WIDTH / max(1, (last - first).days)

    def x(day: date) -> float:
        return round(GANTT_LABEL_WIDTH + (day - first).days * scale, 1)

    by_pk = {row.milestone.pk: row.milestone for row in rows}
    bars = []
    for i, row in enumerate(rows):
        m = row.milestone
        y = GANTT_TOP + i * GANTT_ROW_HEIGHT
        dep = by_pk.get(m.depends_on_id)
        planned_from = dep.planned_date if dep else shift(m.planned_date, -1)
        bar = {
            "label": m.name,
            "status": row.status,
            "critical": m.is_critical,
            "label_y": y + 15,
            "planned": _span(x, planned_from, m.planned_date, y + 4, 8),
            "revised": None,
            "actual": None,
            "projected": None,
        }
        if m.revised_date:
            revised_from = (dep.actual_date or dep.revised_date or dep.planned_date) if dep else m.revised_date
            bar["revised"] = _span(x, min(revised_from, m.revised_date), m.revised_date, y + 13, 6)
        if m.actual_date:
            bar["actual"] = {"cx": x(shift(m.actual_date, 1)), "cy": y + 11, "r": 5}
        elif row.projected > m.due_date:
            # Where the slip upstream puts it now: an open marker after its due date.
            bar["projected"] = {"cx": x(shift(row.projected, 1)), "cy": y + 11, "r": 4}
        bars.append(bar)
    height = GANTT_TOP + len(rows) * GANTT_ROW_HEIGHT + 8
    ticks = []
    day = shift(first, (7 - first.weekday()) % 7)  # Mondays
    step = 7 if (last - first).days <= 120 else 14
    # Whole weeks, and never more ticks than the axis can show: a date stored far away widens the step.
    step = max(step, -(-(last - first).days // GANTT_TICKS_MAX // 7) * 7)
    while day <= last:
        ticks.append({"x": x(day), "label": f"{day:%m-%d}" if step < 365 else f"{day:%Y}"})
        if shift(day, step) == day:
            break
        day = shift(day, step)
    return {
        "width": GANTT_LABEL_WIDTH + GANTT_CHART_WIDTH + 10,
        "height": height,
        "bars": bars,
        "ticks": ticks,
        "axis_y": GANTT_TOP - 6,
        "tick_y": GANTT_TOP - 12,
        "bottom": height - 4,
        "today_x": x(today),
        "ex_factory_x": x(shift(plan.ex_factory_date, 1)),
    }


def _span(x, start: date, end: date, y: float, height: float) -> dict:
    left, right = x(min(start, end)), x(shift(max(start, end), 1))
    return {"x": left, "y": y, "width": max(2.0, round(right - left, 1)), "height": height}


# --- check-ins ------------------------------------------------------------------------------------
@dataclass
class WorkRow:
    order: Order
    checkin: CheckIn | None  # the day's check-in, if the job or the merchandiser created it
    last: CheckIn | None  # the latest earlier check-in that was done: the form starts from it
    open_milestones: list
    next_milestone: PlanMilestone | None
    next_status: str | None

    @property
    def run(self):
        return related_or_none(self.order, "production_run")

    @property
    def plan(self):
        return related_or_none(self.order, "production_plan")


def checkin_list_queryset(*, user) -> QuerySet[CheckIn]:
    """Check-in records of the orders the person may see (an EXISTS per row, as for cases: an IN list of
    every visible order is a hash of the orders table), before the list's filter and pages."""
    visible = Exists(orders_visible_to(user).filter(pk=OuterRef("order_id")))
    return CheckIn.objects.filter(visible).select_related("order", "merchandiser")


def _worklist_orders(*, user) -> QuerySet[Order]:
    """The user's own in-production orders not on hold: the check-in page's whole worklist."""
    return orders_visible_to(user).filter(merchandiser=user, status=OrderState.IN_PRODUCTION, is_on_hold=False)


def _checkin_on(day: date, status: str) -> Exists:
    """The order's check-in of the day has this status."""
    return Exists(CheckIn.objects.filter(order=OuterRef("pk"), day=day, status=status))


def _done_on(day: date) -> Exists:
    return _checkin_on(day, CheckInStatus.DONE)


def _worklist_ordered(orders: QuerySet[Order], *, day: date) -> QuerySet[Order]:
    """What each row shows, soonest ex-factory date first."""
    last_done = CheckIn.objects.filter(order=OuterRef("pk"), status=CheckInStatus.DONE, day__lt=day).order_by("-day")
    quantity = OrderLine.objects.filter(order=OuterRef("pk")).order_by().values("order").annotate(total=Sum("quantity"))
    return (
        orders.select_related("customer", "production_run", "production_plan")
        .annotate(
            last_checkin_id=Subquery(last_done.values("pk")[:1]),
            total_quantity=Subquery(quantity.values("total")[:1]),
        )
        .order_by(*_by_ex_factory_date())
    )


def _by_ex_factory_date() -> list:
    return [F("production_plan__ex_factory_date").asc(nulls_last=True), "pk"]


def _work_rows(orders: list[Order], *, day: date) -> list[WorkRow]:
    """The day's check-in, the last one done and the open milestones of each order. Three queries."""
    ids = [o.pk for o in orders]
    last_ids = [o.last_checkin_id for o in orders if o.last_checkin_id]
    today_by_order, last_by_pk = {}, {}
    for c in CheckIn.objects.filter(Q(order_id__in=ids, day=day) | Q(pk__in=last_ids)):
        if c.day == day:
            today_by_order[c.order_id] = c
        else:  # the last done one is always of an earlier day
            last_by_pk[c.pk] = c
    open_by_order: dict[int, list] = {}
    for m in (
        PlanMilestone.objects.filter(plan__order_id__in=ids, actual_date__isnull=True)
        .select_related("plan")
        .order_by("sequence")
    ):
        open_by_order.setdefault(m.plan.order_id, []).append(m)
    calendar = WorkCalendar.load()
    rows = []
    for order in orders:
        open_ = open_by_order.get(order.pk, [])
        upcoming = open_[0] if open_ else None
        status = (
            milestone_status(upcoming, today=day, calendar=calendar, at_risk_days=settings.PRODUCTION_AT_RISK_DAYS)
            if upcoming
            else None
        )
        rows.append(
            WorkRow(order, today_by_order.get(order.pk), last_by_pk.get(order.last_checkin_id), open_, upcoming, status)
        )
    return rows


# --- what is due: one answer for the merchandiser's pages and the supervisor's -------------------------
@dataclass(frozen=True)
class CheckinsDue:
    """One merchandiser's daily check-ins on one day, as the policy counts them (每日跟进).

    On a working day each of their in-production orders needs that day's check-in: `due` of them, `done`
    and `missed` of those. On a day off nothing is due (the morning job creates no check-in, the night job
    misses none); a check-in recorded anyway is `extra`: kept, shown, never counted for or against them.
    """

    working: bool
    due: int = 0
    done: int = 0
    missed: int = 0
    extra: int = 0

    @property
    def to_do(self) -> int:
        return self.due - self.done - self.missed

    @property
    def recorded(self) -> int:
        """Check-ins done that day, due or not: what the check-in page's counter shows."""
        return self.done + self.extra

    @property
    def percent(self) -> int | None:
        return round(100 * self.done / self.due) if self.due else None

    def __add__(self, other: "CheckinsDue") -> "CheckinsDue":
        return CheckinsDue(
            working=self.working or other.working,
            due=self.due + other.due,
            done=self.done + other.done,
            missed=self.missed + other.missed,
            extra=self.extra + other.extra,
        )


def checkins_due(*, viewer, merchandisers, day: date, calendar: WorkCalendar | None = None) -> dict[int, CheckinsDue]:
    """What is due on `day` (today) for each of `merchandisers` (users or ids), counted over their own
    in-production orders that `viewer` may see: the orders 'My check-ins today' lists. One query.

    Check-ins of orders that left production, or that moved to someone else, are not due of anyone today;
    the night job closes them as not needed.
    """
    working = (calendar or WorkCalendar.load()).is_working_day(day)
    tallies = _day_tallies(viewer=viewer, merchandiser_ids=[getattr(m, "pk", m) for m in merchandisers], day=day)
    return {pk: _due(tally, working=working) for pk, tally in tallies.items()}


def _day_tallies(*, viewer, merchandiser_ids: list[int], day: date) -> dict[int, dict]:
    """Per merchandiser: their in-production orders the viewer sees, and how many of them have the day's
    check-in done and missed. One grouped query."""
    found = {
        row["merchandiser_id"]: row
        for row in orders_visible_to(viewer)
        .filter(merchandiser_id__in=merchandiser_ids, status=OrderState.IN_PRODUCTION, is_on_hold=False)
        .values("merchandiser_id")
        .annotate(
            orders=Count("pk"),
            done=Count("pk", filter=_checkin_on(day, CheckInStatus.DONE)),
            missed=Count("pk", filter=_checkin_on(day, CheckInStatus.MISSED)),
        )
        .order_by()
    }
    return {pk: found.get(pk, {"orders": 0, "done": 0, "missed": 0}) for pk in merchandiser_ids}


def _due(tally: dict, *, working: bool) -> CheckinsDue:
    if working:
        return CheckinsDue(working=True, due=tally["orders"], done=tally["done"], missed=tally["missed"])
    return CheckinsDue(working=False, extra=tally["done"])


def checkins_due_for(*, user, day: date) -> CheckinsDue:
    """checkins_due for one merchandiser, as they see it: the check-in page and their work page."""
    return checkins_due(viewer=user, merchandisers=[user], day=day)[user.pk]


def checkin_worklist(*, user, day: date, order_ids: list[int]) -> list[WorkRow]:
    """Those of the given orders that are the user's own and in production (the page reads
    checkin_worklist_page), with the day's check-in, the last one done and the open milestones.
    Four queries, whatever the number of orders."""
    orders = _worklist_ordered(_worklist_orders(user=user).filter(pk__in=order_ids), day=day)
    return _work_rows(list(orders), day=day)


def checkin_counts(*, user, day: date) -> dict:
    """How many of the user's in-production orders have their check-in of the day done, how many not
    yet, and all of them: the sizes of the check-in page's lists. One query."""
    return _worklist_counts(_day_tallies(viewer=user, merchandiser_ids=[user.pk], day=day)[user.pk])


def _worklist_counts(tally: dict) -> dict:
    return {"todo": tally["orders"] - tally["done"], "done": tally["done"], "all": tally["orders"]}


class _CountedPaginator(Paginator):
    """A paginator given its count: the worklist's counts are already known, so it does not COUNT again."""

    def __init__(self, object_list, per_page, *, count: int):
        super().__init__(object_list, per_page)
        self.count = count  # replaces the cached property


@dataclass(frozen=True)
class WorklistPage:
    page: Page  # of orders; `rows` holds what the page shows of each
    rows: list[WorkRow]
    show: str
    counts: dict  # checkin_counts: over the whole worklist, not the page
    due: CheckinsDue  # what the progress line says, from the same query


def checkin_worklist_page(*, user, day: date, show: str = "todo", page: int = 1, per_page: int = 25) -> WorklistPage:
    """One page of 'My check-ins today'. `show` is "todo" (no check-in done today), "done" or "all"
    (to-do rows first); within that, soonest ex-factory date first. A page past the end shows the last
    one. Five queries, whatever the number of orders."""
    if show not in CHECKIN_FILTERS or per_page not in CHECKIN_PAGE_SIZES:
        raise ValueError(f"unknown worklist view: show={show!r}, per_page={per_page!r}")
    tally = _day_tallies(viewer=user, merchandiser_ids=[user.pk], day=day)[user.pk]
    counts = _worklist_counts(tally)
    orders = _worklist_ordered(_worklist_orders(user=user).annotate(done_today=_done_on(day)), day=day)
    if show == "todo":
        orders = orders.filter(done_today=False)
    elif show == "done":
        orders = orders.filter(done_today=True)
    else:
        orders = orders.order_by("done_today", *_by_ex_factory_date())
    paginator = _CountedPaginator(orders, per_page, count=counts[show])
    current = paginator.page(min(max(1, page), paginator.num_pages))
    due = _due(tally, working=WorkCalendar.load().is_working_day(day))
    return WorklistPage(current, _work_rows(list(current.object_list), day=day), show, counts, due)


def team_merchandisers(*, supervisor):
    return (
        get_user_model()
        .objects.filter(team__supervisor=supervisor, groups__name=Role.MERCHANDISER, is_active=True)
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


def checkin_compliance(*, viewer, merchandisers, day: date, days: int = 7) -> dict:
    """Daily check-in compliance per merchandiser: today (checkins_due, what their own page shows), each
    of the last `days` days and their total. Earlier days count the check-ins as the night job closed
    them; not needed ones (the order left production) do not count, nor do days off. Two queries."""
    people = list(merchandisers)
    start = day - timedelta(days=days - 1)
    span = [start + timedelta(days=i) for i in range(days)]
    counts = (
        CheckIn.objects.filter(merchandiser__in=[p.pk for p in people], day__range=(start, day - timedelta(days=1)))
        .exclude(status=CheckInStatus.WAIVED)
        .values("merchandiser_id", "day")
        .annotate(
            total=Count("pk"),
            done=Count("pk", filter=Q(status=CheckInStatus.DONE)),
            missed=Count("pk", filter=Q(status=CheckInStatus.MISSED)),
        )
        .order_by()
    )
    cells = {(c["merchandiser_id"], c["day"]): c for c in counts}
    calendar = WorkCalendar.load()
    today = checkins_due(viewer=viewer, merchandisers=people, day=day, calendar=calendar)
    rows = []
    for person in people:
        per_day = []
        for d in span:
            if d == day:
                per_day.append(today[person.pk])
                continue
            cell = cells.get((person.pk, d), {"total": 0, "done": 0, "missed": 0})
            if calendar.is_working_day(d):
                per_day.append(CheckinsDue(working=True, due=cell["total"], done=cell["done"], missed=cell["missed"]))
            else:
                per_day.append(CheckinsDue(working=False, extra=cell["done"]))
        week = sum(per_day[1:], per_day[0])
        rows.append({"person": person, "today": today[person.pk], "days": per_day, "week": week})
    return {"days": span, "rows": rows}


# --- the supervisor's production board ---------------------------------------------------------------
def board_page(*, user, day: date, number) -> Page:
    """One page of the board (`number` as asked: a bad or too large one gives the nearest page)."""
    return Paginator(board_orders(user=user, day=day), BOARD_PAGE_SIZE).get_page(number)


def board_orders(*, user, day: date):
    """Entered and in-production orders the supervisor sees: overdue first, then at risk, then by
    ex-factory date. Lazy: board_page takes one page."""
    today_checkin = CheckIn.objects.filter(order=OuterRef("pk"), day=day).values("status")[:1]
    return (
        orders_visible_to(user)
        .filter(status__in=[OrderState.ENTERED, OrderState.IN_PRODUCTION])
        .select_related("customer", "merchandiser", "production_plan", "production_run")
        .annotate(checkin_status=Subquery(today_checkin))
        .order_by(
            "-is_overdue",
            "-is_at_risk",
            F("production_plan__ex_factory_date").asc(nulls_last=True),
            "delivery_date",
            "pk",
        )
    )


BOARD_PROBLEM_DAYS = 7
BOARD_PROBLEM_LIMIT = 50


def checkin_problems(*, user, since: date, until: date, limit: int = BOARD_PROBLEM_LIMIT) -> list[CheckIn]:
    """Check-ins from `since` to `until` whose merchandiser wrote a problem, on orders `user` may see,
    newest first: what the supervisor's board shows, so a problem reaches someone who can help. One query."""
    return list(
        CheckIn.objects.filter(order__in=orders_visible_to(user), day__range=(since, until))
        .exclude(problems="")
        .select_related("order__customer", "merchandiser")
        .order_by("-day", "-pk")[:limit]
    )


def next_milestones(*, order_ids, day: date) -> dict:
    """The next open milestone of each order, with its status. One query."""
    calendar = WorkCalendar.load()
    found: dict = {}
    for m in (
        PlanMilestone.objects.filter(plan__order_id__in=list(order_ids), actual_date__isnull=True)
        .select_related("plan")
        .order_by("sequence")
    ):
        if m.plan.order_id not in found:
            status = milestone_status(m, today=day, calendar=calendar, at_risk_days=settings.PRODUCTION_AT_RISK_DAYS)
            found[m.plan.order_id] = {"milestone": m, "status": status}
    return found


# --- the promise's early warning --------------------------------------------------------------------
def promise_warnings_open(*, merchandiser=None, supervisor=None, limit: int = 20) -> list:
    """Early warnings still to act on: the milestone is open, the order still entered or in production and
    still promised for the date warned about. One person's orders, or the teams a supervisor leads."""
    qs = PromiseWarning.objects.filter(
        milestone__actual_date__isnull=True,
        order__status__in=[OrderState.ENTERED, OrderState.IN_PRODUCTION],
        order__is_on_hold=False,
        delivery_date=F("order__delivery_date"),
    )
    if merchandiser is not None:
        qs = qs.filter(order__merchandiser=merchandiser)
    if supervisor is not None:
        qs = qs.filter(order__merchandiser__team__supervisor=supervisor)
    return list(
        qs.select_related("order__customer", "order__merchandiser", "milestone").order_by("latest_safe_date", "pk")[
            :limit
        ]
    )


# --- the factory reports from its phone ------------------------------------------------------------
FACTORY_LINK_SALT = "production.factory-link"
FACTORY_REPORTS_SHOWN = 10


def factory_link_token(link) -> str:
    return signing.Signer(salt=FACTORY_LINK_SALT).sign(link.nonce)


def factory_link_resolve(*, token: str):
    """The link a token stands for (revoked and expired ones too: the page says so), or None when the token
    is tampered with or unknown. A bad signature is refused before any query."""
    try:
        nonce = signing.Signer(salt=FACTORY_LINK_SALT).unsign(token)
    except signing.BadSignature:
        return None
    return FactoryLink.objects.select_related("order__merchandiser", "run").filter(nonce=nonce).first()


def factory_link_url(link) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(
        "production:factory_page", kwargs={"token": factory_link_token(link)}
    )


def factory_links_of(*, order) -> list:
    """All the order's factory links, newest first: few per order, and one query tells the page both
    which link still works and whether any report can exist at all."""
    return list(FactoryLink.objects.filter(order=order).order_by("-created_at", "-pk"))


def factory_link_active(links):
    """The newest of `links` that is neither withdrawn nor expired, or None."""
    return next((link for link in links if link.revoked_at is None and not link.is_expired), None)


def factory_reports_of(*, order, limit: int = FACTORY_REPORTS_SHOWN) -> list:
    """The order's latest factory reports with their milestones and photos: three queries."""
    return list(
        FactoryReport.objects.filter(order=order)
        .select_related("confirmed_by", "checkin")
        .prefetch_related(
            Prefetch("milestones", queryset=FactoryReportMilestone.objects.select_related("milestone")), "photos"
        )
        .order_by("-submitted_at", "-pk")[:limit]
    )


def factory_photo_for_user(*, user, order_pk, photo_pk):
    """A factory photo of an order the user may see, or None: the only way a photo is served."""
    return FactoryPhoto.objects.filter(
        pk=photo_pk, report__order_id=order_pk, report__order__in=orders_visible_to(user)
    ).first()


def factory_report_problems(*, user, since: date, until: date, limit: int = BOARD_PROBLEM_LIMIT) -> list:
    """Factory reports from `since` to `until` (local days) with a problem, on orders `user` may see, newest
    first: the supervisor's board shows them beside the check-ins' problems. One query."""
    start = timezone.make_aware(datetime.combine(since, time.min))
    end = timezone.make_aware(datetime.combine(until + timedelta(days=1), time.min))
    return list(
        FactoryReport.objects.filter(order__in=orders_visible_to(user), submitted_at__gte=start, submitted_at__lt=end)
        .exclude(problems="")
        .select_related("order__customer", "order__merchandiser")
        .order_by("-submitted_at", "-pk")[:limit]
    )
