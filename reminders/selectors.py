"""The deadlines every job here reads: T&A milestones, ex-factory dates, weekly reports and after-sales
deadlines, each kind gathered for every person at once (one query per kind, read in chunks), never one
query per person. Held orders are not chased; closed and cancelled orders (and shipped ones, for the
production deadlines) drop out because only open states are read."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q
from django.db.models.functions import Coalesce
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


def milestones_due(*, until: date, since: date | None = None) -> Iterator[Deadline]:
    rows = (
        PlanMilestone.objects.filter(
            actual_date__isnull=True,
            plan__order__status__in=PRODUCTION_STATES,
            plan__order__is_on_hold=False,
        )
        .annotate(due=Coalesce("revised_date", "planned_date"))
        .filter(due__lte=until, **({"due__gte": since} if since else {}))
        .order_by()
        .values_list(
            "pk",
            "due",
            "plan__order__merchandiser_id",
            "plan__order__merchandiser__team__supervisor_id",
            "plan__order_id",
            "plan__order__number",
            "name_zh",
            "name_en",
        )
    )
    for pk, due, owner, sup, order, number, zh, en in rows.iterator(chunk_size=CHUNK):
        yield Deadline(DeadlineKind.MILESTONE, pk, due, owner, sup, order, number or f"#{order}", zh, en)


def ex_factory_due(*, until: date, since: date | None = None) -> Iterator[Deadline]:
    rows = (
        ProductionPlan.objects.filter(
            order__status__in=PRODUCTION_STATES, order__is_on_hold=False, ex_factory_date__lte=until
        )
        .filter(Q(ex_factory_date__gte=since) if since else Q())
        .order_by()
        .values_list(
            "pk",
            "ex_factory_date",
            "order__merchandiser_id",
            "order__merchandiser__team__supervisor_id",
            "order_id",
            "order__number",
        )
    )
    for pk, due, owner, sup, order, number in rows.iterator(chunk_size=CHUNK):
        yield Deadline(DeadlineKind.EX_FACTORY, pk, due, owner, sup, order, number or f"#{order}")


def reports_due(*, until: date, since: date | None = None) -> Iterator[Deadline]:
    start, end = _local_bounds(since, until)
    rows = (
        WeeklyReport.objects.filter(status=ReportStatus.DRAFT, due_at__lt=end, merchandiser__is_active=True)
        .filter(Q(due_at__gte=start) if start else Q())
        .order_by()
        .values_list("pk", "due_at", "merchandiser_id", "merchandiser__team__supervisor_id", "week_start")
    )
    for pk, due_at, owner, sup, week in rows.iterator(chunk_size=CHUNK):
        yield Deadline(DeadlineKind.REPORT, pk, _local_day(due_at), owner, sup, None, week.isoformat())


def cases_due(*, until: date, since: date | None = None) -> Iterator[Deadline]:
    start, end = _local_bounds(since, until)
    rows = (
        Case.objects.filter(
            status__in=ACTIVE_CASE_STATES,
            owner__isnull=False,
            resolution_due_at__lt=end,
            order__is_on_hold=False,
        )
        .exclude(order__status__in=CLOSED_STATES)
        .filter(Q(resolution_due_at__gte=start) if start else Q())
        .order_by()
        .values_list(
            "pk", "resolution_due_at", "owner_id", "owner__team__supervisor_id", "order_id", "order__number", "subject"
        )
    )
    for pk, due_at, owner, sup, order, number, subject in rows.iterator(chunk_size=CHUNK):
        yield Deadline(
            DeadlineKind.CASE, pk, _local_day(due_at), owner, sup, order, number or f"#{order}", subject, subject
        )


GATHERERS = {
    DeadlineKind.MILESTONE: milestones_due,
    DeadlineKind.EX_FACTORY: ex_factory_due,
    DeadlineKind.REPORT: reports_due,
    DeadlineKind.CASE: cases_due,
}


def deadlines_due(*, until: date, since: date | None = None) -> Iterator[Deadline]:
    """Every open deadline due in [since, until] (all past ones when since is None), kind by kind."""
    for gather in GATHERERS.values():
        yield from gather(until=until, since=since)


def escalations_visible_to(user, roles):
    """Management sees every escalation; a supervisor their team's; anyone else their own."""
    from accounts.roles import Role

    rows = Escalation.objects.select_related("owner", "order")
    if Role.MANAGEMENT in roles:
        return rows
    if Role.SUPERVISOR in roles:
        return rows.filter(Q(owner__team__supervisor=user) | Q(owner=user))
    return rows.filter(owner=user)
