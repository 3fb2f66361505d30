"""The deadlines every job here reads: T&A milestones, ex-factory dates, weekly reports and after-sales
deadlines, each kind gathered for every person at once (one query per kind, read in chunks), never one
query per person. Held orders are not chased; closed and cancelled orders (and shipped ones, for the
production deadlines) drop out because only open states are read."""

from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Case as CaseWhen
from django.db.models import CharField, Count, F, IntegerField, Q, QuerySet, Value, When, Window
from django.db.models.functions import Cast, Coalesce, RowNumber
from django.urls import reverse
from django.utils.translation import gettext

from aftersales.models import ACTIVE_CASE_STATES, Case
from core.bilingual import in_language
from orders.hooks import order_page_url
from orders.models import OrderState
from production.models import PlanMilestone, ProductionPlan
from supervision.models import ReportStatus, WeeklyReport

from .models import DeadlineKind, Escalation

CHUNK = 2000
# The production deadlines are chased while the order is being made; after-sales while the order is open.
PRODUCTION_STATES = (OrderState.ENTERED, OrderState.IN_PRODUCTION)
CLOSED_STATES = (OrderState.CLOSED, OrderState.CANCELLED)


@dataclass(frozen=True)
class Deadline:
    """One thing due: what it is, when, whose it is, and where it is dealt with."""

    kind: str
    subject_id: int
    due: date
    owner_id: int
    supervisor_id: int | None
    order_id: int | None
    number: str  # the order's number, or the week or case it names
    name_zh: str = ""
    name_en: str = ""

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.subject_id}"

    @property
    def link(self) -> str:
        if self.kind == DeadlineKind.REPORT:
            return reverse("supervision:report_detail", args=[self.subject_id])
        if self.kind == DeadlineKind.CASE:
            return reverse("aftersales:case_detail", args=[self.subject_id])
        return order_page_url(self.order_id, panel="production-plan")

    def text(self) -> str:
        """What it is, in the active language."""
        if self.kind == DeadlineKind.MILESTONE:
            return gettext("Order %(number)s: %(milestone)s") % {
                "number": self.number,
                "milestone": in_language(self.name_zh, self.name_en),
            }
        if self.kind == DeadlineKind.EX_FACTORY:
            return gettext("Order %(number)s: ex-factory") % {"number": self.number}
        if self.kind == DeadlineKind.REPORT:
            return gettext("Weekly report, week of %(week)s") % {"week": self.number}
        return gettext("After-sales case on order %(number)s: %(subject)s") % {
            "number": self.number,
            "subject": self.name_en,
        }


def _local_bounds(since: date | None, until: date) -> tuple[datetime | None, datetime]:
    tz = ZoneInfo(settings.TIME_ZONE)
    start = datetime.combine(since, time.min, tzinfo=tz) if since else None
    return start, datetime.combine(until + timedelta(days=1), time.min, tzinfo=tz)


def _local_day(instant: datetime) -> date:
    return instant.astimezone(ZoneInfo(settings.TIME_ZONE)).date()


# Every kind's open things, annotated with the same names, so one code reads them all.
ROW = ("pk", "due", "owner_ref", "sup_ref", "order_ref", "number", "zh", "en")


def _milestones() -> QuerySet:
    return PlanMilestone.objects.filter(
        actual_date__isnull=True, plan__order__status__in=PRODUCTION_STATES, plan__order__is_on_hold=False
    ).annotate(
        due=Coalesce("revised_date", "planned_date"),
        owner_ref=F("plan__order__merchandiser_id"),
        sup_ref=F("plan__order__merchandiser__team__supervisor_id"),
        order_ref=F("plan__order_id"),
        number=F("plan__order__number"),
        zh=F("name_zh"),
        en=F("name_en"),
    )


def _ex_factory() -> QuerySet:
    return ProductionPlan.objects.filter(order__status__in=PRODUCTION_STATES, order__is_on_hold=False).annotate(
        due=F("ex_factory_date"),
        owner_ref=F("order__merchandiser_id"),
        sup_ref=F("order__merchandiser__team__supervisor_id"),
        order_ref=F("order_id"),
        number=F("order__number"),
        zh=Value(""),
        en=Value(""),
    )


def _reports() -> QuerySet:
    return WeeklyReport.objects.filter(status=ReportStatus.DRAFT, merchandiser__is_active=True).annotate(
        due=F("due_at"),
        owner_ref=F("merchandiser_id"),
        sup_ref=F("merchandiser__team__supervisor_id"),
        order_ref=Value(None, output_field=IntegerField()),
        number=Cast("week_start", CharField()),
        zh=Value(""),
        en=Value(""),
    )


def _cases() -> QuerySet:
    return (
        Case.objects.filter(status__in=ACTIVE_CASE_STATES, owner__isnull=False, order__is_on_hold=False)
        .exclude(order__status__in=CLOSED_STATES)
        .annotate(
            due=F("resolution_due_at"),
            owner_ref=F("owner_id"),
            sup_ref=F("owner__team__supervisor_id"),
            order_ref=F("order_id"),
            number=F("order__number"),
            zh=F("subject"),
            en=F("subject"),
        )
    )


@dataclass(frozen=True)
class _Kind:
    rows: Callable[[], QuerySet]
    instant: bool  # due is a moment (a report's due time, a case's deadline), else a day


KINDS = {
    DeadlineKind.MILESTONE: _Kind(_milestones, instant=False),
    DeadlineKind.EX_FACTORY: _Kind(_ex_factory, instant=False),
    DeadlineKind.REPORT: _Kind(_reports, instant=True),
    DeadlineKind.CASE: _Kind(_cases, instant=True),
}


def _due_between(kind: _Kind, *, since: date | None, until: date) -> Q:
    if kind.instant:
        start, end = _local_bounds(since, until)
        return Q(due__lt=end) & (Q(due__gte=start) if start else Q())
    return Q(due__lte=until) & (Q(due__gte=since) if since else Q())


def _deadline(key: str, row) -> Deadline:
    pk, due, owner, sup, order, number, zh, en = row[:8]
    if isinstance(due, datetime):
        due = _local_day(due)
    return Deadline(key, pk, due, owner, sup, order, number or f"#{order}", zh, en)


def deadlines_of_kind(key: str, *, until: date, since: date | None = None) -> Iterator[Deadline]:
    """The open things of one kind due in [since, until] (all past ones when since is None), read in chunks."""
    kind = KINDS[key]
    rows = kind.rows().filter(_due_between(kind, since=since, until=until)).order_by().values_list(*ROW)
    for row in rows.iterator(chunk_size=CHUNK):
        yield _deadline(key, row)


def deadlines_due(*, until: date, since: date | None = None) -> Iterator[Deadline]:
    """Every open deadline due in [since, until] (all past ones when since is None), kind by kind."""
    for key in KINDS:
        yield from deadlines_of_kind(key, until=until, since=since)


def digest_deadlines(*, day: date, limit: int) -> tuple[dict, dict]:
    """For the morning digest: per owner, how many things are overdue and due on `day`, and the first
    `limit` of each (the earliest due). Two queries per kind of deadline for everyone at once: a grouped
    count, and the first rows per owner and section by a window function. Returns ({owner: {section:
    count}}, {owner: {section: [Deadline]}}), the sections being "overdue" and "today"."""
    counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    first: dict[int, dict[str, list[Deadline]]] = defaultdict(lambda: defaultdict(list))
    for key, kind in KINDS.items():
        is_today = Q(due__gte=_local_bounds(day, day)[0]) if kind.instant else Q(due=day)
        section = CaseWhen(When(is_today, then=Value("today")), default=Value("overdue"), output_field=CharField())
        rows = kind.rows().filter(_due_between(kind, since=None, until=day)).annotate(section=section).order_by()
        for owner, name, n in (
            rows.values("owner_ref", "section").annotate(n=Count("pk")).values_list("owner_ref", "section", "n")
        ):
            counts[owner][name] += n
        ranked = rows.annotate(
            rank=Window(RowNumber(), partition_by=[F("owner_ref"), F("section")], order_by=[F("due").asc(), F("pk")])
        ).filter(rank__lte=limit)
        # A plain fetch, not a server-side cursor: the rows are few (owners x sections x limit), and a cursor
        # makes PostgreSQL plan for the first rows instead of the whole sort.
        for row in ranked.values_list(*ROW, "section"):
            first[row[2]][row[-1]].append(_deadline(key, row))
    return counts, first


def escalations_visible_to(user, roles):
    """Management sees every escalation; a supervisor their team's; anyone else their own."""
    from accounts.roles import Role

    rows = Escalation.objects.select_related("owner", "order")
    if Role.MANAGEMENT in roles:
        return rows
    if Role.SUPERVISOR in roles:
        return rows.filter(Q(owner__team__supervisor=user) | Q(owner=user))
    return rows.filter(owner=user)
