"""The KPI definitions (评估指标): for each, what is counted, for whom, and how it scores by default.

Every KPI is measured for all merchandisers at once with one grouped SQL query (two when numerator and
denominator come from different records): `.values(<person>).annotate(num=..., den=...)`. Nothing loops
over orders in Python. The same filter, narrowed to one person, is the drill-down: the orders behind the
number.

Attribution: a record counts for the merchandiser who owns its order now (handed-over orders move with
their records), or for the person named on the record (check-ins, reports, findings, violations).
"""

from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from django.apps import apps
from django.db import connection
from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.models import Case, CaseType, Feedback
from logistics.models import Shipment
from orders.models import EventType, Order, OrderEvent, OrderState, Promise, PromiseKind, PromiseStatus
from production.models import CheckIn, CheckInStatus

from .codes import Category, KpiCode, Rule, Unit
from .quarters import Quarter
from .scoring import kpi_score, kpi_value, q4
from .worktime import working_seconds_at, working_seconds_of


@contextmanager
def analytics_session():
    """PostgreSQL settings for the job's few big grouped queries, reset afterwards (the connection is reused):
    no JIT (compiling costs ~0.5 s a query, more than it saves here) and room to sort a quarter in memory."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET jit = off")
        cursor.execute("SET work_mem = '64MB'")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET jit")
            cursor.execute("RESET work_mem")


@dataclass(frozen=True)
class Period:
    """The quarter measured, and 'now' (a quarter still running is measured up to now)."""

    quarter: Quarter
    now: datetime

    @classmethod
    def of(cls, quarter: Quarter, now: datetime | None = None) -> "Period":
        return cls(quarter, now or timezone.now())

    @property
    def start(self) -> datetime:
        return self.quarter.start

    @property
    def end(self) -> datetime:
        return self.quarter.end

    @property
    def first_day(self):
        return self.quarter.first_day

    @property
    def last_day(self):
        return self.quarter.last_day

    @property
    def today(self):
        return timezone.localdate(self.now)


@dataclass(frozen=True)
class Measure:
    numerator: Decimal
    denominator: Decimal | None


@dataclass(frozen=True)
class Default:
    weight: int
    target: Decimal
    floor: Decimal
    rule: str = Rule.LINEAR
    param: Decimal | None = None


@dataclass
class DrillRow:
    """One line of a drill-down: an order (or, for KPIs about people, a record) and what it adds."""

    order_id: int | None
    numerator: Decimal
    denominator: Decimal
    order: Order | None = None
    label: str = ""
    when: object = None


def not_history(field: str, *, order: str = "") -> Q:
    """What is dated after its order's go-live import, or belongs to an order never imported. An imported
    order (Order.imported_at, golive.services) brings its past with it: receipt, confirmation, shipments so
    far. That history did not happen in this system, so no quarter's KPI counts it (issue 22)."""
    imported_at = f"{order}imported_at"
    return Q(**{f"{imported_at}__isnull": True}) | Q(**{f"{field}__gt": F(imported_at)})


def _dec(value) -> Decimal:
    return Decimal(value or 0)


class Kpi:
    code: str
    category: str
    unit: str
    default: Default
    formula = ""  # lazy text shown on the scheme page and the drill-down
    numerator_label = _("counted")
    denominator_label = _("out of")
    requires: tuple[str, str] | None = None  # (app_label, model) that must exist, e.g. supervision
    param_label = None  # what the scheme line's parameter means, when the KPI has one

    @property
    def label(self):
        return KpiCode(self.code).label

    @property
    def category_label(self):
        return Category(self.category).label

    @property
    def default_rule_label(self):
        return Rule(self.default.rule).label

    @property
    def higher_is_better(self) -> bool:
        return self.default.target >= self.default.floor

    def available(self) -> bool:
        if self.requires is None:
            return True
        try:
            apps.get_model(*self.requires)
        except LookupError:
            return False
        return True

    def measure(self, period: Period, *, people: Iterable[int] | None = None, param=None) -> dict[int, Measure]:
        raise NotImplementedError

    def drilldown(self, period: Period, *, person_id: int, param=None) -> list[DrillRow]:
        raise NotImplementedError


class RowsKpi(Kpi):
    """Numerator and denominator counted over one set of records: den = records, num = those that hit."""

    person = "merchandiser"
    order_path: str | None = "order_id"

    def rows(self, period: Period, param) -> QuerySet:
        raise NotImplementedError

    def hit(self, period: Period, param) -> Q:
        raise NotImplementedError

    def _scoped(self, period, param, people):
        qs = self.rows(period, param)
        if people is not None:
            qs = qs.filter(**{f"{self.person}__in": list(people)})
        return qs

    def aggregates(self, period: Period, param) -> dict:
        return {"den": Count("pk"), "num": Count("pk", filter=self.hit(period, param))}

    def measure(self, period, *, people=None, param=None):
        grouped = (
            self._scoped(period, param, people)
            .order_by()
            .values(self.person)
            .annotate(**self.aggregates(period, param))
        )
        return {
            row[self.person]: Measure(_dec(row["num"]), _dec(row["den"]))
            for row in grouped
            if row[self.person] is not None
        }

    def drilldown(self, period, *, person_id, param=None):
        qs = self._scoped(period, param, [person_id])
        if self.order_path is None:
            return self.records(qs, period, param)
        grouped = qs.order_by().values(self.order_path).annotate(**self.aggregates(period, param))
        return [DrillRow(r[self.order_path], _dec(r["num"]), _dec(r["den"])) for r in grouped]

    def records(self, qs, period, param) -> list[DrillRow]:
        raise NotImplementedError


class SplitKpi(Kpi):
    """Numerator and denominator from different records (complaints ÷ shipped orders)."""

    num_person = "order__merchandiser"
    den_person = "order__merchandiser"
    num_order = "order_id"
    den_order = "order_id"

    def numerator_rows(self, period: Period) -> QuerySet:
        raise NotImplementedError

    def denominator_rows(self, period: Period) -> QuerySet:
        raise NotImplementedError

    num_count = Count("pk")
    den_count = Count("order_id", distinct=True)

    def measure(self, period, *, people=None, param=None):
        num_qs, den_qs = self.numerator_rows(period), self.denominator_rows(period)
        if people is not None:
            num_qs = num_qs.filter(**{f"{self.num_person}__in": list(people)})
            den_qs = den_qs.filter(**{f"{self.den_person}__in": list(people)})
        nums = dict(num_qs.order_by().values_list(self.num_person).annotate(n=self.num_count))
        dens = dict(den_qs.order_by().values_list(self.den_person).annotate(n=self.den_count))
        return {
            person: Measure(_dec(nums.get(person)), _dec(dens.get(person)))
            for person in set(nums) | set(dens)
            if person is not None
        }

    def drilldown(self, period, *, person_id, param=None):
        nums = dict(
            self.numerator_rows(period)
            .filter(**{self.num_person: person_id})
            .order_by()
            .values_list(self.num_order)
            .annotate(n=self.num_count)
        )
        dens = dict(
            self.denominator_rows(period)
            .filter(**{self.den_person: person_id})
            .order_by()
            .values_list(self.den_order)
            .annotate(n=self.den_count)
        )
        return [DrillRow(oid, _dec(nums.get(oid)), _dec(dens.get(oid))) for oid in set(nums) | set(dens)]


# --- timeliness (及时性) ----------------------------------------------------------------------------------
def held_before_confirmation():
    """The working seconds an order spent on hold before it was confirmed (0 if never), for use in a query
    over orders. Each RELEASED event ends the hold begun by the HELD event just before it; a hold that ends
    after confirmation cannot exist, because a held order cannot be confirmed. Read from the work record
    and the calendar's index, so a holiday added later moves it like every other working-time figure."""
    began = (
        OrderEvent.objects.filter(order=OuterRef("order"), type=EventType.HELD, created_at__lte=OuterRef("created_at"))
        .order_by("-created_at", "-id")
        .values("created_at")[:1]
    )
    holds = (
        OrderEvent.objects.filter(
            order=OuterRef("pk"),
            type=EventType.RELEASED,
            created_at__lte=Coalesce(OuterRef("confirmed_at"), Value(datetime.max.replace(tzinfo=UTC))),
        )
        .annotate(held_at=Subquery(began))
        .annotate(w_end=working_seconds_at("created_at"), w_start=working_seconds_at("held_at"))
        .order_by()
        .values("order")
        .annotate(total=Sum(F("w_end") - F("w_start")))
        .values("total")
    )
    return Coalesce(Subquery(holds, output_field=IntegerField()), Value(0))


class ConfirmationTime(RowsKpi):
    code = KpiCode.CONFIRMATION_TIME
    category = Category.TIMELINESS
    unit = Unit.PERCENT
    default = Default(weight=10, target=Decimal(95), floor=Decimal(70), param=Decimal(8))
    formula = _(
        "Orders received in the quarter and confirmed within N working hours of receipt, hours on hold not counted "
        "÷ orders received in the quarter (not counting orders cancelled before confirmation, nor unconfirmed "
        "orders still inside the limit or on hold)."
    )
    numerator_label = _("confirmed in time")
    denominator_label = _("orders received")
    param_label = _("N: working hours allowed")
    person = "merchandiser"
    order_path = "pk"

    @staticmethod
    def limit_seconds(param) -> int:
        return int(Decimal(param if param is not None else ConfirmationTime.default.param) * 3600)

    def rows(self, period, param):
        limit = self.limit_seconds(param)
        now_w = working_seconds_of(min(period.now, period.end + timedelta(days=366)))
        qs = (
            Order.objects.filter(received_at__gte=period.start, received_at__lt=period.end)
            .filter(not_history("received_at"))
            .exclude(status=OrderState.CANCELLED, confirmed_at__isnull=True)
            .annotate(w_received=working_seconds_at("received_at"), w_held=held_before_confirmation())
        )
        # An order not confirmed yet counts only once its limit, lengthened by its holds, has passed; while it
        # is on hold its clock stands still, so it does not count yet.
        due = Q(confirmed_at__isnull=False)
        if now_w is not None:
            due |= Q(is_on_hold=False, w_received__lt=now_w - limit - F("w_held"))
        return qs.filter(due)

    def hit(self, period, param):
        # An unconfirmed order has no W(confirmed): the comparison is NULL and it does not count.
        return Q(w_confirmed__lte=F("w_received") + F("w_held") + self.limit_seconds(param))

    def _scoped(self, period, param, people):
        return super()._scoped(period, param, people).annotate(w_confirmed=working_seconds_at("confirmed_at"))


def _customer_moved_date():
    """The latest delivery date the customer caused (an approved customer-caused promise), if any."""
    return Subquery(
        Promise.objects.filter(
            order_id=OuterRef("order_id"),
            kind=PromiseKind.CHANGE,
            status=PromiseStatus.APPROVED,
            customer_caused=True,
        )
        .order_by("-sequence")
        .values("delivery_date")[:1]
    )


class OnTimeDelivery(RowsKpi):
    """Against the first promise: the date the customer confirmed, moved only by a new date the customer
    caused. A delay the company caused, approved or not, does not move it (issue 20, rule 2)."""

    code = KpiCode.ON_TIME_DELIVERY
    category = Category.TIMELINESS
    unit = Unit.PERCENT
    default = Default(weight=15, target=Decimal(98), floor=Decimal(80))
    formula = _(
        "Shipments dispatched in the quarter and delivered on or before the order's first promised delivery date "
        "(moved only by a new date the customer caused) ÷ shipments dispatched in the quarter (a shipment not "
        "delivered yet counts once that date has passed)."
    )
    numerator_label = _("on time")
    denominator_label = _("shipments")
    person = "order__merchandiser"

    def promise(self):
        return Coalesce(_customer_moved_date(), "order__first_delivery_date", "order__delivery_date")

    def rows(self, period, param):
        return (
            Shipment.objects.filter(ship_date__gte=period.first_day, ship_date__lte=period.last_day)
            .filter(not_history("created_at", order="order__"))
            .annotate(promised=self.promise())
            .filter(Q(delivered_on__isnull=False) | Q(promised__lt=period.today))
        )

    def hit(self, period, param):
        return Q(delivered_on__lte=F("promised"))


class OnTimeLatest(OnTimeDelivery):
    """Against the latest approved promise: reported beside the first (weight 0 by default)."""

    code = KpiCode.ON_TIME_LATEST
    default = Default(weight=0, target=Decimal(98), floor=Decimal(80))
    formula = _(
        "Shipments dispatched in the quarter and delivered on or before the order's latest approved delivery date "
        "÷ shipments dispatched in the quarter (a shipment not delivered yet counts once that date has passed)."
    )

    def promise(self):
        return F("order__delivery_date")


class CheckinCompliance(RowsKpi):
    code = KpiCode.CHECKIN_COMPLIANCE
    category = Category.TIMELINESS
    unit = Unit.PERCENT
    default = Default(weight=5, target=Decimal(98), floor=Decimal(80))
    formula = _(
        "Daily check-ins done ÷ daily check-ins due in the quarter (check-ins not needed, as while the order is "
        "on hold, are left out; today's are counted from tomorrow)."
    )
    numerator_label = _("done")
    denominator_label = _("due")
    person = "merchandiser"

    def rows(self, period, param):
        return (
            CheckIn.objects.filter(day__gte=period.first_day, day__lte=period.last_day)
            .exclude(status=CheckInStatus.WAIVED)
            .exclude(status=CheckInStatus.PENDING, day__gte=period.today)
        )

    def hit(self, period, param):
        return Q(status=CheckInStatus.DONE)


class WeeklyReports(RowsKpi):
    code = KpiCode.WEEKLY_REPORTS
    category = Category.TIMELINESS
    unit = Unit.PERCENT
    default = Default(weight=5, target=Decimal(100), floor=Decimal(75))
    formula = _("Weekly reports submitted by their due time ÷ weekly reports due in the quarter.")
    numerator_label = _("on time")
    denominator_label = _("due")
    requires = ("supervision", "WeeklyReport")
    person = "merchandiser"
    order_path = None

    def rows(self, period, param):
        model = apps.get_model(*self.requires)
        return model.objects.filter(due_at__gte=period.start, due_at__lt=period.end, due_at__lte=period.now)

    def hit(self, period, param):
        return Q(submitted_at__isnull=False, submitted_at__lte=F("due_at"))

    def records(self, qs, period, param):
        rows = []
        for report in qs.order_by("due_at", "pk"):
            on_time = report.submitted_at is not None and report.submitted_at <= report.due_at
            rows.append(
                DrillRow(
                    None,
                    Decimal(int(on_time)),
                    Decimal(1),
                    label=_("Week of %(day)s") % {"day": report.week_start},
                    when=report.submitted_at,
                )
            )
        return rows


class SlaAdherence(RowsKpi):
    code = KpiCode.SLA_ADHERENCE
    category = Category.TIMELINESS
    unit = Unit.PERCENT
    default = Default(weight=5, target=Decimal(95), floor=Decimal(70))
    formula = _(
        "After-sales cases opened in the quarter that met both their first-response and resolution targets ÷ "
        "cases opened in the quarter."
    )
    numerator_label = _("within SLA")
    denominator_label = _("cases")
    person = "order__merchandiser"

    def rows(self, period, param):
        return Case.objects.filter(opened_at__gte=period.start, opened_at__lt=period.end)

    def hit(self, period, param):
        return Q(response_breached_at__isnull=True, resolution_breached_at__isnull=True)


# --- accuracy (准确性) -------------------------------------------------------------------------------------
class OrderAccuracy(RowsKpi):
    code = KpiCode.ORDER_ACCURACY
    category = Category.ACCURACY
    unit = Unit.PERCENT
    default = Default(weight=10, target=Decimal(98), floor=Decimal(85))
    formula = _(
        "Orders confirmed in the quarter with no correction after confirmation ÷ orders confirmed in the quarter."
    )
    numerator_label = _("without correction")
    denominator_label = _("orders confirmed")
    person = "merchandiser"
    order_path = "pk"

    def rows(self, period, param):
        return Order.objects.filter(confirmed_at__gte=period.start, confirmed_at__lt=period.end).filter(
            not_history("confirmed_at")
        )

    def hit(self, period, param):
        # Uncorrelated on purpose: PostgreSQL hashes the few corrected order ids once and scans the quarter's
        # orders; a correlated EXISTS made it walk the whole order table by merchandiser instead (6.8 s → 0.4 s
        # at a million orders).
        return ~Q(pk__in=OrderEvent.objects.filter(type=EventType.CORRECTION).values("order_id"))


class QaFindings(SplitKpi):
    code = KpiCode.QA_FINDINGS
    category = Category.ACCURACY
    unit = Unit.RATIO
    default = Default(weight=10, target=Decimal("0.1"), floor=Decimal(1))
    formula = _("QA findings raised in the quarter ÷ orders sampled and scored by QA in the quarter.")
    numerator_label = _("findings")
    denominator_label = _("orders sampled")
    requires = ("supervision", "Finding")
    num_person = "merchandiser"
    den_person = "merchandiser"
    num_order = "sample__order_id"

    def numerator_rows(self, period):
        model = apps.get_model("supervision", "Finding")
        return model.objects.filter(created_at__gte=period.start, created_at__lt=period.end)

    def denominator_rows(self, period):
        model = apps.get_model("supervision", "SpotCheckSample")
        return model.objects.filter(scored_at__gte=period.start, scored_at__lt=period.end)

    def available(self) -> bool:
        try:
            apps.get_model("supervision", "Finding")
            apps.get_model("supervision", "SpotCheckSample")
        except LookupError:
            return False
        return True


# --- customer satisfaction (客户满意度) -------------------------------------------------------------------
class Satisfaction(RowsKpi):
    code = KpiCode.SATISFACTION
    category = Category.SATISFACTION
    unit = Unit.RATING
    default = Default(weight=10, target=Decimal("4.5"), floor=Decimal(3))
    formula = _(
        "Average of the customers' ratings (quality, delivery and communication, 1–5) on feedback given in the "
        "quarter: the sum of all ratings ÷ the number of ratings."
    )
    numerator_label = _("sum of ratings")
    denominator_label = _("ratings")
    person = "order__merchandiser"

    def rows(self, period, param):
        return Feedback.objects.filter(submitted_at__gte=period.start, submitted_at__lt=period.end)

    def aggregates(self, period, param):
        return {
            "num": Coalesce(Sum(F("quality") + F("delivery") + F("communication"), output_field=IntegerField()), 0),
            "den": Count("pk") * 3,
        }


class ComplaintRate(SplitKpi):
    code = KpiCode.COMPLAINT_RATE
    category = Category.SATISFACTION
    unit = Unit.PERCENT
    default = Default(weight=10, target=Decimal(1), floor=Decimal(5))
    formula = _("Complaints opened in the quarter ÷ orders shipped in the quarter, in per cent.")
    numerator_label = _("complaints")
    denominator_label = _("orders shipped")

    def numerator_rows(self, period):
        return Case.objects.filter(case_type=CaseType.COMPLAINT, opened_at__gte=period.start, opened_at__lt=period.end)

    def denominator_rows(self, period):
        return OrderEvent.objects.filter(
            type=EventType.TRANSITION,
            created_at__gte=period.start,
            created_at__lt=period.end,
            payload__transition="ship",
        )


# --- discipline ----------------------------------------------------------------------------------------
class Violations(RowsKpi):
    code = KpiCode.VIOLATIONS
    category = Category.DISCIPLINE
    unit = Unit.COUNT
    default = Default(weight=10, target=Decimal(0), floor=Decimal(5), rule=Rule.DEDUCTION, param=Decimal(20))
    formula = _(
        "Violations upheld by HR (and not overturned on appeal) that occurred in the quarter; one awaiting "
        "the decision or found not upheld counts nothing."
    )
    numerator_label = _("violations")
    denominator_label = ""
    param_label = _("Points off per violation")
    requires = ("supervision", "Violation")
    person = "person"
    order_path = None

    def rows(self, period, param):
        model = apps.get_model(*self.requires)
        return model.objects.upheld().filter(occurred_at__gte=period.start, occurred_at__lt=period.end)

    def aggregates(self, period, param):
        return {"num": Count("pk"), "den": Count("pk")}

    def measure(self, period, *, people=None, param=None):
        found = super().measure(period, people=people, param=param)
        return {person: Measure(m.numerator, None) for person, m in found.items()}

    def records(self, qs, period, param):
        return [
            DrillRow(
                v.order_id,
                Decimal(1),
                Decimal(0),
                label=f"{v.reference} · {v.get_type_display()} · {v.get_severity_display()}",
                when=v.occurred_at,
            )
            for v in qs.order_by("occurred_at", "pk")
        ]


# --- the supervisor's assessment (policy 5.1.2) ------------------------------------------------------------
class SupervisorAssessment(RowsKpi):
    code = KpiCode.SUPERVISOR_RATING
    category = Category.ASSESSMENT
    unit = Unit.RATING
    default = Default(weight=10, target=Decimal(5), floor=Decimal(1))
    formula = _(
        "The rating (1–5) the merchandiser's supervisor gave for the quarter, with a comment; the record "
        "reviews of the quarter are its evidence."
    )
    numerator_label = _("rating")
    denominator_label = _("ratings")
    person = "merchandiser"
    order_path = None

    def rows(self, period, param):
        model = apps.get_model("evaluation", "SupervisorRating")
        return model.objects.filter(evaluation__year=period.quarter.year, evaluation__quarter=period.quarter.q)

    def aggregates(self, period, param):
        return {"num": Coalesce(Sum("rating"), 0), "den": Count("pk")}

    def records(self, qs, period, param):
        return [
            DrillRow(None, Decimal(r.rating), Decimal(1), label=f"{r.rated_by} · {r.comment}", when=r.rated_at)
            for r in qs.select_related("rated_by").order_by("pk")
        ]


KPIS: list[Kpi] = [
    ConfirmationTime(),
    OnTimeDelivery(),
    OnTimeLatest(),
    CheckinCompliance(),
    WeeklyReports(),
    SlaAdherence(),
    OrderAccuracy(),
    QaFindings(),
    Satisfaction(),
    ComplaintRate(),
    Violations(),
    SupervisorAssessment(),
]
KPI_BY_CODE: dict[str, Kpi] = {k.code: k for k in KPIS}
assert sum(k.default.weight for k in KPIS) == 100, "the default weights must sum to 100"  # noqa: S101


def kpi(code: str) -> Kpi:
    return KPI_BY_CODE[code]


@dataclass
class ScoredLine:
    kpi: str
    category: str
    unit: str
    weight: int
    target: Decimal
    floor: Decimal
    rule: str
    param: Decimal | None
    numerator: Decimal
    denominator: Decimal | None
    value: Decimal | None
    applicable: bool
    score: Decimal

    @property
    def label(self):
        return KpiCode(self.kpi).label


def compute_lines(*, scheme_lines, measures: dict[str, dict[int, Measure]], person: int) -> list[ScoredLine]:
    """The scored lines of one person from the measures of every KPI (pure; no queries)."""
    lines = []
    for sl in scheme_lines:
        kpi = KPI_BY_CODE[sl.kpi]
        available = sl.kpi in measures
        measure = measures.get(sl.kpi, {}).get(person)
        if measure is None:
            numerator, denominator = Decimal(0), (None if kpi.unit == Unit.COUNT else Decimal(0))
        else:
            numerator, denominator = measure.numerator, measure.denominator
        value = kpi_value(unit=kpi.unit, numerator=numerator, denominator=denominator) if available else None
        applicable = available and value is not None and sl.weight > 0
        score = kpi_score(value=value, rule=sl.rule, target=sl.target, floor=sl.floor, param=sl.param)
        lines.append(
            ScoredLine(
                kpi=sl.kpi,
                category=kpi.category,
                unit=kpi.unit,
                weight=sl.weight,
                target=sl.target,
                floor=sl.floor,
                rule=sl.rule,
                param=sl.param,
                numerator=numerator,
                denominator=denominator,
                value=q4(value) if value is not None else None,
                applicable=applicable,
                score=score if applicable else Decimal(0),
            )
        )
    return lines
