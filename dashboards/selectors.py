"""What the role dashboards show. Each function composes the selectors of the apps below; aggregates over
the whole company are cached (django cache, at most DASHBOARD_COUNTS_MAX_AGE seconds old, default 60), so a
dashboard stays fast at a million orders."""

import hashlib
import logging
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, F, IntegerField, Q, Sum
from django.db.models.expressions import RawSQL
from django.db.models.functions import TruncMonth
from django.utils import timezone

from accounts.roles import user_roles
from aftersales.models import Case, CaseType, Feedback
from core.charts import bar_chart, line_chart
from evaluation.quarters import Quarter, company_tz
from logistics.models import Shipment
from orders.models import Order, OrderState
from orders.selectors import READ_ALL_ROLES
from production.selectors import checkin_compliance, team_merchandisers
from supervision.models import Finding, FindingStatus, SpotCheckPlan
from supervision.selectors import (
    findings_visible_to,
    review_coverage,
    spot_check_results_by_merchandiser,
)

logger = logging.getLogger(__name__)


def max_age() -> int:
    return getattr(settings, "DASHBOARD_COUNTS_MAX_AGE", 60)


def cached(key: str, compute, *, timeout: int | None = None):
    """compute() through the cache for up to `timeout` seconds (default DASHBOARD_COUNTS_MAX_AGE).
    A cache outage falls back to computing live: it must not take the dashboard down."""
    timeout = max_age() if timeout is None else timeout
    if not timeout:
        return compute()
    key = "dashboards:" + hashlib.sha256(key.encode()).hexdigest()
    try:
        value = cache.get(key)
    except Exception:  # noqa: BLE001
        logger.warning("cache unavailable; computing live", exc_info=True)
        return compute()
    if value is None:
        value = compute()
        try:
            cache.set(key, value, timeout)
        except Exception:  # noqa: BLE001
            logger.warning("cache unavailable; result not kept", exc_info=True)
    return value


# --- orders ---------------------------------------------------------------------------------------------
def orders_by_state(orders) -> list[dict]:
    """Counts per state of an already-visible queryset: one grouped query, cached. The key is the query
    itself, so each scope of visibility (one merchandiser, one team, everyone) has its own entry."""
    return state_rows(_state_counts(orders))


def state_rows(counts: dict[str, int]) -> list[dict]:
    """Every state in workflow order with its count (labels in the request's language: not cached)."""
    return [{"state": state, "label": state.label, "count": counts.get(state.value, 0)} for state in OrderState]


def _state_counts(orders) -> dict[str, int]:
    grouped = _grouped_by_state(orders)
    sql, params = grouped.query.sql_with_params()
    return cached(f"by_state:{sql}|{params!r}", lambda: dict(grouped))


def _grouped_by_state(orders):
    return orders.order_by().values_list("status").annotate(n=Count("id"))


def by_state_chart(by_state: list[dict]) -> dict:
    return bar_chart([(str(s["label"]), s["count"]) for s in by_state])


def recent_orders(orders, limit: int = 10):
    return orders.select_related("customer", "merchandiser").order_by("-received_at", "-id")[:limit]


def recent_orders_of(orders, *, owners: list[int] | None, limit: int = 10):
    """recent_orders() of the `orders` owned by `owners` (None: by anyone), in one query that stays fast
    at a million orders. A plain ORDER BY received_at LIMIT walks the company-wide index until it has met
    `limit` of these owners' orders: ~100k index rows (0.1 s) at the bench, where another team's import
    is newer than all of this team's. Instead it takes each owner's latest `limit` (a few rows of
    order_owner_recv_idx each) and sorts those; `orders` still decides what may be seen."""
    if owners is None:
        return recent_orders(orders, limit)
    if not owners:
        return orders.none()
    return recent_orders(orders.filter(pk__in=_latest_of_each(owners, limit)), limit)


def _latest_of_each(owners: list[int], limit: int) -> RawSQL:
    """The ids of each owner's latest `limit` orders: a UNION ALL of per-owner LIMIT subqueries. Written out
    because the ORM refuses LIMIT inside a UNION on SQLite, and composing eleven querysets costs ~3 ms of CPU."""
    meta, q = Order._meta, connection.ops.quote_name
    table, pk = q(meta.db_table), q(meta.pk.column)
    owner, received = q(meta.get_field("merchandiser").column), q(meta.get_field("received_at").column)
    branches = [
        f"SELECT {pk} FROM (SELECT {pk} FROM {table} WHERE {owner} = %s"  # noqa: S608 - model names; ids are params
        f" ORDER BY {received} DESC, {pk} DESC LIMIT {int(limit)}) AS latest_{n}"
        for n in range(len(owners))
    ]
    return RawSQL(" UNION ALL ".join(branches), list(owners))  # noqa: S611 - see above


def at_risk_and_late(orders, limit: int = 10):
    """Open orders flagged overdue or at risk, overdue first, then by promised date."""
    return (
        orders.filter(Q(is_overdue=True) | Q(is_at_risk=True))
        .select_related("customer", "merchandiser")
        .order_by("-is_overdue", "delivery_date", "pk")[:limit]
    )


# --- supervisor ---------------------------------------------------------------------------------------------
def supervisor_summary(*, supervisor, orders, today: date) -> dict:
    """The team aggregates of the supervisor's dashboard, computed together and kept as one cache entry per
    supervisor and day for at most DASHBOARD_COUNTS_MAX_AGE seconds, so a warm dashboard pays no query for
    them: the counts by state, the at-risk list, today's check-ins, this quarter's review coverage, the open
    findings per person, and whose orders are the team's. At a million orders the counts and the coverage
    read the team's tens of thousands of orders (0.15-0.25 s each at the bench).

    `orders` is what the supervisor may see (orders_visible_to). The value holds only that, and no
    translated text (labels are added per request). The lists the supervisor acts on (cases, suggestions,
    findings, recent orders) are not in it: they stay live."""
    return cached(f"supervisor-summary:{supervisor.pk}:{today}", lambda: _supervisor_summary(supervisor, orders, today))


def _supervisor_summary(supervisor, orders, today: date) -> dict:
    owners = team_order_owners(supervisor=supervisor)
    # The same orders, narrowed to their owners' index range: the counts read the team's orders, not the
    # company's (0.65 s -> 0.15 s at the bench).
    theirs = orders if owners is None else orders.filter(merchandiser_id__in=owners)
    team = list(team_merchandisers(supervisor=supervisor))
    findings = team_open_findings_per_person(user=supervisor, today=today)
    return {
        "order_owners": owners,
        "state_counts": dict(_grouped_by_state(theirs)),
        "flagged": list(at_risk_and_late(theirs)),
        "compliance": checkin_compliance(viewer=supervisor, merchandisers=team, day=today, days=1),
        "coverage": team_review_coverage(merchandisers=team, today=today),
        "findings": {"per_person": findings, "total": sum(p["n"] for p in findings)},
    }


def team_order_owners(*, supervisor) -> list[int] | None:
    """Whose orders make up the team's: every member of the supervisor's teams (whatever their role, active
    or not) and the supervisor, as orders_visible_to() has it. None when the person sees every order (a
    read-all role as well). Only ever narrows orders_visible_to(), so a stale list can hide a newcomer's
    orders for a minute but never show an order the person may not see."""
    if user_roles(supervisor) & READ_ALL_ROLES:
        return None
    members = get_user_model().objects.filter(Q(team__supervisor=supervisor) | Q(pk=supervisor.pk))
    return sorted(members.values_list("pk", flat=True))


def team_review_coverage(*, merchandisers, today: date) -> list[dict]:
    """Record reviews this quarter: orders reviewed ÷ orders active, per merchandiser of the team."""
    return review_coverage(merchandisers=merchandisers, start=Quarter.of_date(today).first_day, end=today)


def _open_findings(user):
    return findings_visible_to(user).filter(status__in=[FindingStatus.OPEN, FindingStatus.ACKNOWLEDGED])


def team_open_findings_per_person(*, user, today: date) -> list[dict]:
    """Open findings the person may see, per merchandiser, and how many of them are overdue. One query."""
    return list(
        _open_findings(user)
        .values("merchandiser__username", "merchandiser__last_name", "merchandiser__first_name")
        .annotate(n=Count("pk"), overdue=Count("pk", filter=Q(due_date__lt=today)))
        .order_by("-n", "merchandiser__username")
    )


def team_open_findings(*, user, limit: int = 10):
    """The open findings the person may see, soonest due first."""
    return list(
        _open_findings(user)
        .select_related("merchandiser", "sample__order__customer")
        .order_by("due_date", "pk")[:limit]
    )


# --- QA -----------------------------------------------------------------------------------------------------
def sampling_progress(*, limit: int = 8) -> list[dict]:
    """The latest spot-check plans: samples drawn and scored, and findings raised. One grouped query."""
    plans = SpotCheckPlan.objects.annotate(
        drawn=Count("samples", distinct=True),
        scored=Count("samples", filter=Q(samples__scored_at__isnull=False), distinct=True),
        findings=Count("samples__findings", distinct=True),
    ).order_by("-period_end", "-pk")[:limit]
    return [{"plan": p, "percent": round(100 * p.scored / p.drawn) if p.drawn else None} for p in plans]


def findings_by_merchandiser(*, today: date) -> dict:
    """This quarter's spot-check results per merchandiser, and their findings still open."""
    quarter = Quarter.of_date(today)
    rows = spot_check_results_by_merchandiser(start=quarter.first_day, end=today)
    open_counts = dict(
        Finding.objects.filter(status__in=[FindingStatus.OPEN, FindingStatus.ACKNOWLEDGED])
        .values_list("merchandiser_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in rows:
        row["open"] = open_counts.get(row["merchandiser_id"], 0)
    chart = bar_chart([(row["name"], row["findings"]) for row in rows[:12]])
    return {"quarter": quarter, "rows": rows, "chart": chart}


# --- management: company trends (cached) --------------------------------------------------------------------
def _months(today: date, count: int) -> list[date]:
    first = today.replace(day=1)
    months = []
    for _ in range(count):
        months.append(first)
        first = (first - timedelta(days=1)).replace(day=1)
    return list(reversed(months))


def _month_key(value) -> date:
    if hasattr(value, "date") and callable(value.date):
        value = timezone.localtime(value, company_tz()).date() if timezone.is_aware(value) else value.date()
    return value.replace(day=1)


def company_trends(*, today: date | None = None, months: int = 12) -> dict:
    """Per month for the last `months` months: on-time delivery %, average rating and complaints per 100
    orders shipped. Three grouped queries over the whole company, cached."""
    today = today or timezone.localdate()
    return cached(f"trends:{today}:{months}", lambda: _company_trends(today, months))


def _company_trends(today: date, months: int) -> dict:
    span = _months(today, months)
    start = span[0]
    tz = company_tz()
    since = datetime.combine(start, time.min, tzinfo=tz)
    shipments = (
        Shipment.objects.filter(ship_date__gte=start, ship_date__lte=today)
        .annotate(m=TruncMonth("ship_date"))
        .values("m")
        .annotate(
            shipped_orders=Count("order_id", distinct=True),
            measured=Count("pk", filter=Q(delivered_on__isnull=False) | Q(order__delivery_date__lt=today)),
            on_time=Count("pk", filter=Q(delivered_on__lte=F("order__delivery_date"))),
        )
        .order_by()
    )
    by_month = {_month_key(r["m"]): r for r in shipments}
    ratings = {
        _month_key(r["m"]): r
        for r in Feedback.objects.filter(submitted_at__gte=since)
        .annotate(m=TruncMonth("submitted_at", tzinfo=tz))
        .values("m")
        .annotate(
            total=Sum(F("quality") + F("delivery") + F("communication"), output_field=IntegerField()), n=Count("pk")
        )
        .order_by()
    }
    complaints = {
        _month_key(r["m"]): r["n"]
        for r in Case.objects.filter(case_type=CaseType.COMPLAINT, opened_at__gte=since)
        .annotate(m=TruncMonth("opened_at", tzinfo=tz))
        .values("m")
        .annotate(n=Count("pk"))
        .order_by()
    }
    rows = []
    for month in span:
        s = by_month.get(month, {})
        r = ratings.get(month)
        shipped = s.get("shipped_orders", 0)
        rows.append(
            {
                "month": month,
                "on_time": round(100 * s["on_time"] / s["measured"], 1) if s.get("measured") else None,
                "rating": round(r["total"] / (3 * r["n"]), 2) if r and r["n"] else None,
                "complaint_rate": round(100 * complaints.get(month, 0) / shipped, 1) if shipped else None,
                "complaints": complaints.get(month, 0),
                "shipped": shipped,
            }
        )
    labels = [f"{row['month']:%m}" for row in rows]
    return {
        "rows": rows,
        "on_time_chart": line_chart(
            labels, [{"name": "on_time", "css": "series-1", "values": [r["on_time"] for r in rows]}], high=100
        ),
        "rating_chart": line_chart(
            labels, [{"name": "rating", "css": "series-2", "values": [r["rating"] for r in rows]}], high=5
        ),
        "complaint_chart": line_chart(
            labels, [{"name": "complaints", "css": "series-3", "values": [r["complaint_rate"] for r in rows]}]
        ),
    }
