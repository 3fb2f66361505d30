"""Reads for supervision. Each `*_visible_to(user)` is the one place that decides which rows a person
may see; views fetch single rows through the matching `*_get_for_user`, which answers 404 otherwise.
Orders are always reached through orders.selectors.orders_visible_to."""

import math
import re
from datetime import date, datetime, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.models import Team
from accounts.roles import Role, user_roles
from aftersales.models import ACTIVE_CASE_STATES, Case
from logistics.models import Shipment
from notifications.models import Notification
from orders.models import OPEN_STATES, ChecklistItem, EventType, Order, OrderEvent, OrderState
from orders.selectors import READ_ALL_ROLES, orders_visible_to
from production.models import CheckIn, CheckInStatus

from .models import (
    ActionItem,
    ActionItemStatus,
    Finding,
    FindingStatus,
    PolicyAcknowledgement,
    PolicyInterpretation,
    PolicyStatus,
    PolicyVersion,
    RecordReview,
    SpotCheckPlan,
    SpotCheckRule,
    SpotCheckSample,
    Suggestion,
    SuggestionStatus,
    Violation,
    WeeklyMeeting,
    WeeklyReport,
)
from .weeks import local_datetime, week_bounds

STAFF_ROLES = (Role.MERCHANDISER, Role.SUPERVISOR, Role.QA, Role.HR, Role.MANAGEMENT)


def _get(qs: QuerySet, pk):
    try:
        return qs.get(pk=pk)
    except (qs.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


# --- people ----------------------------------------------------------------------------------------
def merchandisers_of_team(*, team: Team) -> QuerySet:
    return (
        get_user_model()
        .objects.filter(team=team, groups__name=Role.MERCHANDISER, is_active=True)
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


def all_merchandisers() -> QuerySet:
    return (
        get_user_model()
        .objects.filter(groups__name=Role.MERCHANDISER, is_active=True)
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


def staff_members() -> QuerySet:
    """Everyone who holds a staff role: the people who must acknowledge the policy."""
    return (
        get_user_model()
        .objects.filter(groups__name__in=STAFF_ROLES, is_active=True)
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


def teams_led_by(user) -> QuerySet[Team]:
    return Team.objects.filter(supervisor=user) if user.is_authenticated else Team.objects.none()


def supervisor_of(person):
    team = getattr(person, "team", None)
    return team.supervisor if team else None


def leads(user, person) -> bool:
    """The user supervises the person's team."""
    team = getattr(person, "team", None)
    return bool(
        user.is_authenticated and team and team.supervisor_id == user.pk and Role.SUPERVISOR in user_roles(user)
    )


# --- orders of a period ----------------------------------------------------------------------------
def orders_active_in_period(*, start: date, end: date, orders: QuerySet | None = None) -> QuerySet[Order]:
    """Orders someone worked on in [start, end]: received by the end and not finished before the start."""
    since, until = local_datetime(start), local_datetime(end + timedelta(days=1))
    qs = Order.objects.all() if orders is None else orders
    return qs.filter(received_at__lt=until).filter(Q(closed_at__isnull=True) | Q(closed_at__gte=since))


# --- 1. meetings -----------------------------------------------------------------------------------
def meetings_listed(*, user, limit: int = 100) -> list[WeeklyMeeting]:
    """The meeting list: the newest weeks first."""
    return list(meetings_visible_to(user).select_related("team").order_by("-week_start", "team__name_en")[:limit])


def meetings_visible_to(user) -> QuerySet[WeeklyMeeting]:
    """The team's supervisor and the team's members."""
    if not user.is_authenticated:
        return WeeklyMeeting.objects.none()
    roles = user_roles(user)
    condition = Q(pk__in=[])
    if Role.SUPERVISOR in roles:
        condition |= Q(team__supervisor=user)
    if Role.MERCHANDISER in roles and user.team_id:
        condition |= Q(team_id=user.team_id)
    return WeeklyMeeting.objects.filter(condition)


def meeting_get_for_user(*, user, pk) -> WeeklyMeeting:
    return _get(meetings_visible_to(user).select_related("team", "team__supervisor", "recorded_by"), pk)


def can_run_meeting(user, meeting: WeeklyMeeting) -> bool:
    return bool(user.is_authenticated and Role.SUPERVISOR in user_roles(user) and meeting.team.supervisor_id == user.pk)


def meeting_people(*, meeting: WeeklyMeeting) -> QuerySet:
    """Who can own an action item: the team's members and its supervisor."""
    return (
        get_user_model()
        .objects.filter(Q(team_id=meeting.team_id) | Q(pk=meeting.team.supervisor_id), is_active=True)
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


def open_action_items(*, team: Team, before: date) -> QuerySet[ActionItem]:
    """Open action items raised at the team's earlier meetings: they carry over."""
    return ActionItem.objects.filter(
        meeting__team=team, meeting__week_start__lt=before, status=ActionItemStatus.OPEN
    ).select_related("owner", "meeting", "order")


# An order's name in a stored agenda or report (JSON, read later in either language): its number, or for a
# draft what orders.models.order_draft_name needs, worded when shown (supervision_tags.order_name).
_NAME_FIELDS = ("customer_po", "customer__name_zh", "customer__name_en")


def _order_name(number, row: dict, prefix: str = "") -> dict:
    if number:
        return {"label": number}
    return {
        "label": "",
        "draft": {
            "zh": row[f"{prefix}customer__name_zh"],
            "en": row[f"{prefix}customer__name_en"],
            "po": row[f"{prefix}customer_po"],
        },
    }


def agenda_compile(*, team: Team, week_start: date) -> dict:
    """The meeting's agenda from the records, per merchandiser: new orders and missed check-ins of the
    week before, the problems written in check-ins since that week began (up to when it is compiled),
    orders at risk or late, orders leaving the factory in the next AGENDA_EX_FACTORY_DAYS days, QA findings
    past their due date, last week's weekly report if it is missing, open after-sales cases and SLA
    breaches, and open action items of earlier meetings. A constant number of queries, however large the
    team. JSON-ready."""
    people = list(merchandisers_of_team(team=team))
    ids = [p.pk for p in people]
    since, until = week_bounds(week_start - timedelta(days=7))
    sections = {
        p.pk: {
            "person_id": p.pk,
            "name": str(p),
            "new_orders": [],
            "at_risk": [],
            "missed_checkins": [],
            "problems": [],
            "leaving_factory": [],
            "overdue_findings": [],
            "missing_reports": [],
            "open_cases": [],
            "sla_breaches": [],
            "action_items": [],
        }
        for p in people
    }
    for row in (
        Order.objects.filter(merchandiser__in=ids, received_at__gte=since, received_at__lt=until)
        .order_by("received_at", "pk")
        .values("pk", "number", "merchandiser_id", "customer__code", "delivery_date", *_NAME_FIELDS)
    ):
        sections[row["merchandiser_id"]]["new_orders"].append(
            {
                "order": row["pk"],
                **_order_name(row["number"], row),
                "customer": row["customer__code"],
                "delivery": row["delivery_date"].isoformat(),
            }
        )
    for row in (
        Order.objects.filter(merchandiser__in=ids, status__in=OPEN_STATES)
        .filter(Q(is_at_risk=True) | Q(is_overdue=True))
        .order_by("delivery_date", "pk")
        .values("pk", "number", "merchandiser_id", "status", "delivery_date", "is_overdue", "is_at_risk", *_NAME_FIELDS)
    ):
        sections[row["merchandiser_id"]]["at_risk"].append(
            {
                "order": row["pk"],
                **_order_name(row["number"], row),
                "state": row["status"],
                "delivery": row["delivery_date"].isoformat(),
                "late": row["is_overdue"],
            }
        )
    for row in (
        CheckIn.objects.filter(
            merchandiser__in=ids,
            status=CheckInStatus.MISSED,
            day__gte=week_start - timedelta(days=7),
            day__lt=week_start,
        )
        .order_by("day", "order_id")
        .values("order_id", "order__number", "day", "merchandiser_id", *(f"order__{f}" for f in _NAME_FIELDS))
    ):
        sections[row["merchandiser_id"]]["missed_checkins"].append(
            {
                "order": row["order_id"],
                **_order_name(row["order__number"], row, "order__"),
                "day": row["day"].isoformat(),
            }
        )
    _agenda_problems(sections, ids=ids, week_start=week_start)
    _agenda_leaving_factory(sections, ids=ids, week_start=week_start)
    _agenda_overdue_findings(sections, ids=ids, today=max(timezone.localdate(), week_start))
    _agenda_missing_reports(sections, ids=ids, week_start=week_start)
    for row in (
        Case.objects.filter(order__merchandiser__in=ids)
        .filter(
            Q(status__in=ACTIVE_CASE_STATES) | Q(response_breached_at__gte=since) | Q(resolution_breached_at__gte=since)
        )
        .order_by("opened_at", "pk")
        .values(
            "pk",
            "subject",
            "severity",
            "status",
            "order_id",
            "order__number",
            "order__merchandiser_id",
            "response_breached_at",
            "resolution_breached_at",
            *(f"order__{f}" for f in _NAME_FIELDS),
        )
    ):
        entry = {
            "case": row["pk"],
            "label": f"AS-{row['pk']:06d}",
            "subject": row["subject"],
            "severity": row["severity"],
            "order": row["order_id"],
            "order_name": _order_name(row["order__number"], row, "order__"),
        }
        section = sections[row["order__merchandiser_id"]]
        if row["status"] in ACTIVE_CASE_STATES:
            section["open_cases"].append(entry)
        if row["response_breached_at"] or row["resolution_breached_at"]:
            section["sla_breaches"].append(entry)
    team_items = []
    for item in open_action_items(team=team, before=week_start).order_by("due_date", "pk"):
        entry = {
            "item": item.pk,
            "title": item.title,
            "owner": str(item.owner),
            "due": item.due_date.isoformat(),
            "raised": item.meeting.week_start.isoformat(),
        }
        if item.owner_id in sections:
            sections[item.owner_id]["action_items"].append(entry)
        else:
            team_items.append(entry)
    return {
        "week_start": week_start.isoformat(),
        "since": (week_start - timedelta(days=7)).isoformat(),
        "people": [sections[p.pk] for p in people],
        "team_action_items": team_items,
    }


AGENDA_EX_FACTORY_DAYS = 14


def _agenda_problems(sections: dict, *, ids: list[int], week_start: date) -> None:
    """The problems merchandisers wrote in their check-ins since the week before began ("problems this
    week"): compiled again before the meeting, the agenda also has those written since Monday."""
    for row in (
        CheckIn.objects.filter(merchandiser__in=ids, day__gte=week_start - timedelta(days=7))
        .exclude(problems="")
        .order_by("day", "order_id")
        .values(
            "order_id",
            "order__number",
            "day",
            "merchandiser_id",
            "problems",
            "next_steps",
            *(f"order__{f}" for f in _NAME_FIELDS),
        )
    ):
        sections[row["merchandiser_id"]]["problems"].append(
            {
                "order": row["order_id"],
                **_order_name(row["order__number"], row, "order__"),
                "day": row["day"].isoformat(),
                "problem": row["problems"],
                "next_steps": row["next_steps"],
            }
        )


def _agenda_leaving_factory(sections: dict, *, ids: list[int], week_start: date) -> None:
    """Open orders whose T&A plan has them leave the factory in the next two weeks: what to book and check."""
    until = week_start + timedelta(days=AGENDA_EX_FACTORY_DAYS)
    for row in (
        Order.objects.filter(
            merchandiser__in=ids,
            status__in=[OrderState.ENTERED, OrderState.IN_PRODUCTION],
            production_plan__ex_factory_date__gte=week_start,
            production_plan__ex_factory_date__lt=until,
        )
        .order_by("production_plan__ex_factory_date", "pk")
        .values("pk", "number", "merchandiser_id", "status", "production_plan__ex_factory_date", *_NAME_FIELDS)
    ):
        sections[row["merchandiser_id"]]["leaving_factory"].append(
            {
                "order": row["pk"],
                **_order_name(row["number"], row),
                "state": row["status"],
                "ex_factory": row["production_plan__ex_factory_date"].isoformat(),
            }
        )


def _agenda_overdue_findings(sections: dict, *, ids: list[int], today: date) -> None:
    for finding in (
        Finding.objects.filter(merchandiser__in=ids, due_date__lt=today)
        .exclude(status=FindingStatus.CLOSED)
        .order_by("due_date", "pk")
        .only("pk", "merchandiser_id", "severity", "description", "due_date", "status")
    ):
        sections[finding.merchandiser_id]["overdue_findings"].append(
            {
                "finding": finding.pk,
                "label": finding.reference,
                "severity": finding.severity,
                "subject": finding.description[:200],
                "due": finding.due_date.isoformat(),
            }
        )


def _agenda_missing_reports(sections: dict, *, ids: list[int], week_start: date) -> None:
    """Last week's weekly report, when it was not submitted by its due time."""
    last_week = week_start - timedelta(days=7)
    for row in (
        WeeklyReport.objects.filter(merchandiser__in=ids, week_start=last_week)
        .filter(Q(missing_flagged_at__isnull=False) | Q(submitted_at__isnull=True, due_at__lt=timezone.now()))
        .order_by("pk")
        .values("pk", "merchandiser_id", "week_start", "due_at", "submitted_at")
    ):
        sections[row["merchandiser_id"]]["missing_reports"].append(
            {
                "report": row["pk"],
                "week": row["week_start"].isoformat(),
                "due": timezone.localtime(row["due_at"]).strftime("%Y-%m-%d %H:%M"),
                "submitted": bool(row["submitted_at"]),
            }
        )


# --- 2. weekly reports -----------------------------------------------------------------------------
def reports_visible_to(user) -> QuerySet[WeeklyReport]:
    """The author; the author's supervisor; HR (it evaluates punctuality)."""
    if not user.is_authenticated:
        return WeeklyReport.objects.none()
    roles = user_roles(user)
    if Role.HR in roles:
        return WeeklyReport.objects.all()
    condition = Q(merchandiser=user) if Role.MERCHANDISER in roles else Q(pk__in=[])
    if Role.SUPERVISOR in roles:
        condition |= Q(merchandiser__team__supervisor=user)
    return WeeklyReport.objects.filter(condition)


def report_get_for_user(*, user, pk) -> WeeklyReport:
    return _get(
        reports_visible_to(user).select_related("merchandiser", "merchandiser__team", "reviewed_by"),
        pk,
    )


def reports_of_merchandiser(*, merchandiser, limit: int = 20) -> list[WeeklyReport]:
    """The merchandiser's own weekly reports, the newest week first."""
    return list(WeeklyReport.objects.filter(merchandiser=merchandiser).order_by("-week_start")[:limit])


def report_figures(*, merchandiser, week_start: date) -> dict:
    """What the records say about one merchandiser's week. JSON-ready; a fixed number of queries."""
    since, until = week_bounds(week_start)
    week_end = week_start + timedelta(days=6)
    advanced = list(
        OrderEvent.objects.filter(
            actor=merchandiser, type=EventType.TRANSITION, created_at__gte=since, created_at__lt=until
        )
        .order_by("created_at", "pk")
        .values(
            "order_id", "order__number", "from_state", "to_state", "created_at", *(f"order__{f}" for f in _NAME_FIELDS)
        )
    )
    checkins = (
        CheckIn.objects.filter(merchandiser=merchandiser, day__range=(week_start, week_end))
        .exclude(status=CheckInStatus.WAIVED)
        .aggregate(
            total=Count("pk"),
            done=Count("pk", filter=Q(status=CheckInStatus.DONE)),
            missed=Count("pk", filter=Q(status=CheckInStatus.MISSED)),
        )
    )
    shipments = list(
        Shipment.objects.filter(order__merchandiser=merchandiser, ship_date__range=(week_start, week_end))
        .order_by("ship_date", "pk")
        .values("pk", "seq", "order_id", "order__number", "ship_date")
    )
    cases = Case.objects.filter(order__merchandiser=merchandiser).aggregate(
        opened=Count("pk", filter=Q(opened_at__gte=since, opened_at__lt=until)),
        resolved=Count("pk", filter=Q(resolved_at__gte=since, resolved_at__lt=until)),
        open=Count("pk", filter=Q(status__in=ACTIVE_CASE_STATES)),
    )
    new_orders = Order.objects.filter(merchandiser=merchandiser, received_at__gte=since, received_at__lt=until).count()
    problems = list(
        CheckIn.objects.filter(merchandiser=merchandiser, day__range=(week_start, week_end))
        .exclude(problems="")
        .order_by("day", "order_id")
        .values("order_id", "order__number", "day", "problems", "next_steps", *(f"order__{f}" for f in _NAME_FIELDS))
    )
    return {
        "week_start": week_start.isoformat(),
        "new_orders": new_orders,
        "advanced": [
            {
                "order": e["order_id"],
                **_order_name(e["order__number"], e, "order__"),
                "from": e["from_state"],
                "to": e["to_state"],
                "at": timezone.localtime(e["created_at"]).strftime("%Y-%m-%d %H:%M"),
            }
            for e in advanced
        ],
        "checkins": checkins,
        "shipments": [
            {
                "order": s["order_id"],
                "label": f"{s['order__number']}-S{s['seq']}",  # only an entered order ships
                "date": s["ship_date"].isoformat(),
            }
            for s in shipments
        ],
        "cases": cases,
        # The problems written in the week's check-ins: the report carries them to the supervisor.
        "problems": [
            {
                "order": p["order_id"],
                **_order_name(p["order__number"], p, "order__"),
                "day": p["day"].isoformat(),
                "problem": p["problems"],
                "next_steps": p["next_steps"],
            }
            for p in problems
        ],
    }


def reports_of_week(*, merchandisers, week_start: date) -> list[dict]:
    """The inbox: every merchandiser with their report of the week (or none yet)."""
    people = list(merchandisers)
    reports = {
        r.merchandiser_id: r
        for r in WeeklyReport.objects.filter(merchandiser__in=[p.pk for p in people], week_start=week_start)
    }
    return [{"person": p, "report": reports.get(p.pk)} for p in people]


# --- 3. record reviews -----------------------------------------------------------------------------
def review_queue(*, user, start: date, end: date, merchandiser=None, limit: int = 200) -> list[Order]:
    """The supervisor's team orders active in the period and not yet reviewed in it, riskiest (late,
    at risk) then newest first. Each order carries its last review, if any."""
    since, until = local_datetime(start), local_datetime(end + timedelta(days=1))
    orders = orders_active_in_period(start=start, end=end, orders=orders_visible_to(user)).filter(
        merchandiser__team__supervisor=user
    )
    if merchandiser is not None:
        orders = orders.filter(merchandiser=merchandiser)
    reviewed_in_period = RecordReview.objects.filter(
        order=OuterRef("pk"), reviewed_at__gte=since, reviewed_at__lt=until
    )
    return list(
        orders.exclude(Exists(reviewed_in_period))
        .annotate(last_reviewed_at=Max("record_reviews__reviewed_at"), event_count=Count("events", distinct=True))
        .select_related("customer", "merchandiser")
        .order_by("-is_overdue", "-is_at_risk", "-received_at", "-pk")[:limit]
    )


def reviews_of_order(*, order, limit: int = 20) -> QuerySet[RecordReview]:
    """An order's record reviews with their reviewers (RecordReview's own ordering)."""
    return RecordReview.objects.filter(order=order).select_related("reviewer")[:limit]


def review_coverage(*, merchandisers, start: date, end: date) -> list[dict]:
    """Per merchandiser: orders reviewed in the period ÷ orders active in the period."""
    people = list(merchandisers)
    ids = [p.pk for p in people]
    since, until = local_datetime(start), local_datetime(end + timedelta(days=1))
    active = orders_active_in_period(start=start, end=end).filter(merchandiser__in=ids)
    active_counts = dict(active.values_list("merchandiser_id").annotate(n=Count("pk")).order_by())
    reviewed_counts = dict(
        active.filter(record_reviews__reviewed_at__gte=since, record_reviews__reviewed_at__lt=until)
        .values_list("merchandiser_id")
        .annotate(n=Count("pk", distinct=True))
        .order_by()
    )
    rows = []
    for person in people:
        total, done = active_counts.get(person.pk, 0), reviewed_counts.get(person.pk, 0)
        rows.append(
            {
                "person": person,
                "active": total,
                "reviewed": done,
                "percent": round(100 * done / total) if total else None,
            }
        )
    return rows


# --- 4. spot checks --------------------------------------------------------------------------------
def plans_listed(*, user, limit: int = 100) -> list[SpotCheckPlan]:
    return list(plans_visible_to(user).select_related("created_by")[:limit])


def plans_visible_to(user) -> QuerySet[SpotCheckPlan]:
    if user.is_authenticated and Role.QA in user_roles(user):
        return SpotCheckPlan.objects.all()
    return SpotCheckPlan.objects.none()


def plan_get_for_user(*, user, pk) -> SpotCheckPlan:
    return _get(plans_visible_to(user).select_related("created_by", "drawn_by"), pk)


def sample_get_for_user(*, user, pk) -> SpotCheckSample:
    return _get(
        SpotCheckSample.objects.filter(plan__in=plans_visible_to(user)).select_related(
            "plan", "order", "order__customer", "merchandiser", "scored_by"
        ),
        pk,
    )


def plan_population(*, plan: SpotCheckPlan) -> list[dict]:
    """The population of a plan, as it stands now: per merchandiser (and stage, when stratified), the
    ordered ids of the orders active in the period. Drawing stores this list."""
    rows = (
        orders_active_in_period(start=plan.period_start, end=plan.period_end)
        .exclude(status=OrderState.CANCELLED, closed_at__lt=local_datetime(plan.period_start))
        .filter(merchandiser__in=all_merchandisers())
        .order_by("merchandiser_id", "pk")
        .values_list("merchandiser_id", "status", "pk")
    )
    strata: dict[tuple[int, str], list[int]] = {}
    for merchandiser_id, status, pk in rows:
        key = (merchandiser_id, status if plan.stratify_by_stage else "")
        strata.setdefault(key, []).append(pk)
    return [{"merchandiser": m, "stratum": s, "order_ids": ids} for (m, s), ids in sorted(strata.items())]


def plan_population_shown(*, plan: SpotCheckPlan) -> list[dict]:
    """The stored population as QA reads it: each stratum's merchandiser, its stage by label and its orders
    by name, in the drawn order. Three queries, however many orders."""
    strata = plan.population.get("strata", [])
    people = get_user_model().objects.in_bulk({s["merchandiser"] for s in strata})
    orders = Order.objects.select_related("customer").in_bulk({pk for s in strata for pk in s["order_ids"]})
    return [
        {
            "merchandiser": people.get(s["merchandiser"]),
            "stage": _state_label(s.get("stratum", "")),
            "orders": [orders[pk].display_number for pk in s["order_ids"] if pk in orders],
        }
        for s in strata
    ]


def _state_label(value: str) -> str:
    return str(OrderState(value).label) if value in OrderState.values else value


def sample_sizes(*, strata: list[dict], mode: str, size: int) -> list[int]:
    """How many to draw from each stratum. A percentage rounds up within each stratum (at least one
    order of anyone who has orders); a count is per merchandiser, split across their strata in
    proportion (largest remainder, ties by position), never more than a stratum holds."""
    if mode == "percent":
        return [min(len(s["order_ids"]), math.ceil(len(s["order_ids"]) * size / 100)) for s in strata]
    sizes = [0] * len(strata)
    by_person: dict[int, list[int]] = {}
    for index, stratum in enumerate(strata):
        by_person.setdefault(stratum["merchandiser"], []).append(index)
    for indexes in by_person.values():
        total = sum(len(strata[i]["order_ids"]) for i in indexes)
        want = min(size, total)
        quotas = [(want * len(strata[i]["order_ids"]) / total) if total else 0 for i in indexes]
        floors = [math.floor(q) for q in quotas]
        left = want - sum(floors)
        order = sorted(range(len(indexes)), key=lambda j: (-(quotas[j] - floors[j]), j))
        for j in order[:left]:
            floors[j] += 1
        for j, i in enumerate(indexes):
            sizes[i] = min(floors[j], len(strata[i]["order_ids"]))
    return sizes


def spot_check_suggestions(*, order: Order) -> dict[str, bool | None]:
    """What the records say for each automatic rule: True (pass), False (fail), None (not applicable).
    A fixed number of queries."""
    result: dict[str, bool | None] = dict.fromkeys(SpotCheckRule.values)
    result.pop("", None)
    active_items = set(ChecklistItem.objects.filter(active=True).values_list("pk", flat=True))
    if order.confirmed_at:
        ticked_before = set(order.checks.filter(checked_at__lte=order.confirmed_at).values_list("item_id", flat=True))
        result[SpotCheckRule.CHECKLIST_BEFORE_CONFIRMATION] = active_items <= ticked_before
    if order.status != OrderState.RECEIVED or order.confirmed_at:
        result[SpotCheckRule.CONFIRMATION_EXISTS] = order.confirmations.exists()
    checkins = order.checkins.exclude(status__in=[CheckInStatus.WAIVED, CheckInStatus.PENDING]).values_list(
        "status", "day", "completed_at"
    )
    if checkins:
        result[SpotCheckRule.CHECKINS_ON_TIME] = all(
            status == CheckInStatus.DONE and completed and timezone.localdate(completed) <= day
            for status, day, completed in checkins
        )
    shipment_ids = list(order.shipments.values_list("pk", flat=True))
    if shipment_ids:
        keys = {f"shipment:{pk}:shipped" for pk in shipment_ids}
        sent = set(Notification.objects.filter(dedupe_key__in=keys).values_list("dedupe_key", flat=True))
        result[SpotCheckRule.CUSTOMER_NOTIFIED_ON_SHIPMENT] = keys <= sent
    return result


def record_reviews_visible_to(user) -> QuerySet[RecordReview]:
    """QA, HR and management: all. Supervisors: their team's and those they wrote. Merchandisers: their own."""
    if not user.is_authenticated:
        return RecordReview.objects.none()
    roles = user_roles(user)
    if roles & {Role.QA, Role.HR, Role.MANAGEMENT}:
        return RecordReview.objects.all()
    condition = Q(merchandiser=user) if Role.MERCHANDISER in roles else Q(pk__in=[])
    if Role.SUPERVISOR in roles:
        condition |= Q(merchandiser__team__supervisor=user) | Q(reviewer=user)
    return RecordReview.objects.filter(condition)


def record_review_list_queryset(*, user) -> QuerySet[RecordReview]:
    """The record review list's rows, before its filter and pages."""
    return record_reviews_visible_to(user).select_related("order", "merchandiser", "reviewer")


def finding_list_queryset(*, user) -> QuerySet[Finding]:
    """The finding list's rows, before its filter and pages (supervision.filters, the view's table)."""
    return findings_visible_to(user).select_related("merchandiser", "sample__order")


def findings_visible_to(user) -> QuerySet[Finding]:
    """QA and HR: all. Supervisors: their team's. Merchandisers: their own."""
    if not user.is_authenticated:
        return Finding.objects.none()
    roles = user_roles(user)
    if roles & {Role.QA, Role.HR}:
        return Finding.objects.all()
    condition = Q(merchandiser=user) if Role.MERCHANDISER in roles else Q(pk__in=[])
    if Role.SUPERVISOR in roles:
        condition |= Q(merchandiser__team__supervisor=user)
    return Finding.objects.filter(condition)


def finding_get_for_user(*, user, pk) -> Finding:
    return _get(
        findings_visible_to(user).select_related(
            "sample", "sample__order", "sample__plan", "result", "result__item", "merchandiser", "raised_by"
        ),
        pk,
    )


def spot_check_results_by_merchandiser(*, start: date, end: date) -> list[dict]:
    """Per merchandiser, samples scored in the period: items checked, passed, and findings raised.
    What the evaluation reads, and what QA's overview shows."""
    since, until = local_datetime(start), local_datetime(end + timedelta(days=1))
    scored = SpotCheckSample.objects.filter(scored_at__gte=since, scored_at__lt=until)
    rows = (
        scored.values(
            "merchandiser_id", "merchandiser__username", "merchandiser__last_name", "merchandiser__first_name"
        )
        .annotate(
            samples=Count("pk", distinct=True),
            items=Count("results", distinct=True),
            passed=Count("results", filter=Q(results__passed=True), distinct=True),
            findings=Count("findings", distinct=True),
        )
        .order_by("merchandiser__username")
    )
    out = []
    for row in rows:
        name = f"{row['merchandiser__last_name']}{row['merchandiser__first_name']}" or row["merchandiser__username"]
        items = row["items"]
        out.append({**row, "name": name, "percent": round(100 * row["passed"] / items) if items else None})
    return out


# --- 5. violations ---------------------------------------------------------------------------------
def violation_list_queryset(*, user) -> QuerySet[Violation]:
    """The violation list's rows, before its filter and pages."""
    return violations_visible_to(user).select_related("person", "order")


def violations_visible_to(user) -> QuerySet[Violation]:
    """HR: all. Supervisors: their team's (and their own). Everyone: their own."""
    if not user.is_authenticated:
        return Violation.objects.none()
    roles = user_roles(user)
    if Role.HR in roles:
        return Violation.objects.all()
    if not roles:
        return Violation.objects.none()
    condition = Q(person=user)
    if Role.SUPERVISOR in roles:
        condition |= Q(person__team__supervisor=user)
    return Violation.objects.filter(condition)


def violation_get_for_user(*, user, pk) -> Violation:
    return _get(
        violations_visible_to(user).select_related(
            "person", "person__team", "order", "finding", "recorded_by", "supervisor", "decided_by"
        ),
        pk,
    )


def violations_in_window(*, person, at: datetime, days: int, exclude_pk=None) -> int:
    """The person's upheld violations in the `days` before `at` (the ladder's history): one awaiting HR's
    decision, found not upheld or overturned on appeal counts nothing."""
    qs = Violation.objects.upheld().filter(
        person=person, occurred_at__gt=at - timedelta(days=days), occurred_at__lte=at
    )
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return qs.count()


# --- 6. the policy ---------------------------------------------------------------------------------
def policy_in_force(*, day: date | None = None) -> PolicyVersion | None:
    day = day or timezone.localdate()
    return (
        PolicyVersion.objects.filter(status=PolicyStatus.PUBLISHED, effective_date__lte=day)
        .order_by("-effective_date", "-published_at", "-pk")
        .first()
    )


def policy_versions_visible_to(user) -> QuerySet[PolicyVersion]:
    """Published versions to all staff; revisions in progress to HR, supervisors and management."""
    if not user.is_authenticated or not user_roles(user):
        return PolicyVersion.objects.none()
    if user_roles(user) & {Role.HR, Role.SUPERVISOR, Role.MANAGEMENT}:
        return PolicyVersion.objects.all()
    return PolicyVersion.objects.filter(status=PolicyStatus.PUBLISHED)


def policy_revisions_awaiting(user) -> list[PolicyVersion]:
    """The revisions waiting for this person's step: HR's drafts to send for review, a supervisor's reviews
    (never of a draft of their own), management's approvals (never of one they drafted or reviewed)."""
    if not user.is_authenticated:
        return []
    roles = user_roles(user)
    waiting = Q(pk__in=[])
    if Role.HR in roles:
        waiting |= Q(status=PolicyStatus.DRAFT)
    if Role.SUPERVISOR in roles:
        waiting |= Q(status=PolicyStatus.IN_REVIEW) & ~Q(drafted_by=user)
    if Role.MANAGEMENT in roles:
        waiting |= Q(status=PolicyStatus.IN_APPROVAL) & ~Q(drafted_by=user) & ~Q(reviewed_by=user)
    return list(PolicyVersion.objects.filter(waiting).order_by("drafted_at", "pk"))


def policy_get_for_user(*, user, pk) -> PolicyVersion:
    return _get(
        policy_versions_visible_to(user).select_related("drafted_by", "reviewed_by", "approved_by", "based_on"), pk
    )


_CLAUSE = re.compile(r"^(\d+)\s*[.、．]")


def policy_blocks(text: str) -> list[dict]:
    """The policy text as headings and paragraphs ('## ' and '### ' lines are headings), so templates
    render it escaped, with no HTML stored anywhere. Each chapter, article and numbered clause carries its
    reference `ref` by position ("5" the fifth chapter, "5.1" its first article, "5.1.2" that article's
    clause 2; "6.1" clause 1 of a chapter without articles), the same in both languages."""
    blocks: list[dict] = []
    chapter = article = 0
    for raw in text.splitlines():
        line = raw.rstrip()
        if not line.strip():
            continue
        if line.startswith("### "):
            article += 1
            blocks.append({"kind": "h3", "text": line[4:].strip(), "ref": f"{chapter}.{article}"})
        elif line.startswith("## ") or line.startswith("# "):
            chapter, article = chapter + 1, 0
            blocks.append({"kind": "h2", "text": line.split(" ", 1)[1].strip(), "ref": str(chapter)})
        else:
            clause = _CLAUSE.match(line.strip())
            ref = None
            if clause and chapter:
                ref = f"{chapter}.{article}.{clause.group(1)}" if article else f"{chapter}.{clause.group(1)}"
            blocks.append({"kind": "p", "text": line.strip(), "ref": ref})
    return blocks


def policy_articles(version: PolicyVersion) -> list[tuple[str, str]]:
    """(reference, opening words) of every chapter, article and clause of the version, in order: what HR
    may interpret."""
    return [(b["ref"], b["text"][:60]) for b in policy_blocks(version.body) if b["ref"]]


def policy_text(version: PolicyVersion) -> list[dict]:
    """The version's blocks, each with HR's interpretations of it (oldest first) beside it. Two queries."""
    blocks = policy_blocks(version.body)
    found: dict[str, list] = {}
    for item in PolicyInterpretation.objects.filter(version=version).select_related("written_by"):
        found.setdefault(item.article, []).append(item)
    for block in blocks:
        block["interpretations"] = found.get(block["ref"], []) if block["ref"] else []
    return blocks


def policy_acknowledged(*, user, version: PolicyVersion | None) -> bool:
    return bool(version and PolicyAcknowledgement.objects.filter(version=version, person=user).exists())


def policy_acknowledgement_status(*, version: PolicyVersion) -> dict:
    """Who has acknowledged the version and who has not yet."""
    acks = {a.person_id: a for a in PolicyAcknowledgement.objects.filter(version=version).select_related("person")}
    people = list(staff_members().select_related("team"))
    done = [{"person": p, "ack": acks[p.pk]} for p in people if p.pk in acks]
    missing = [p for p in people if p.pk not in acks]
    return {"done": done, "missing": missing, "total": len(people)}


# --- suggestions ----------------------------------------------------------------------------------------
def suggestions_visible_to(user) -> QuerySet[Suggestion]:
    """Authors see their own; supervisors their team's and their own; QA, HR and management all."""
    qs = Suggestion.objects.all()
    if not user.is_authenticated:
        return qs.none()
    roles = user_roles(user)
    if roles & READ_ALL_ROLES:
        return qs
    condition = Q(author=user)
    if Role.SUPERVISOR in roles:
        condition |= Q(author__team__supervisor=user)
    if not roles:
        return qs.none()
    return qs.filter(condition)


def suggestions_listed(*, user, status: str = "", limit: int = 200) -> list[Suggestion]:
    """The suggestion list's rows: the newest `limit` the user may see, in one state if `status` names one."""
    qs = suggestions_visible_to(user).select_related("author")
    if status in SuggestionStatus.values:
        qs = qs.filter(status=status)
    return list(qs[:limit])


def suggestions_of_author(*, user, not_in_report=None, limit: int = 50) -> QuerySet[Suggestion]:
    """A merchandiser's own newest suggestions, to link from a weekly report (less those it links already)."""
    qs = Suggestion.objects.filter(author=user)
    if not_in_report is not None:
        qs = qs.exclude(weekly_reports=not_in_report)
    return qs.order_by("-submitted_at")[:limit]


def suggestion_get_for_user(*, user, pk) -> Suggestion:
    try:
        return suggestions_visible_to(user).select_related("author", "author__team", "order").get(pk=pk)
    except (Suggestion.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def can_decide_suggestion(user, suggestion: Suggestion) -> bool:
    team = getattr(suggestion.author, "team", None)
    return bool(
        user.is_authenticated and Role.SUPERVISOR in user_roles(user) and team and team.supervisor_id == user.pk
    )


def suggestions_to_decide(*, user) -> QuerySet[Suggestion]:
    """A supervisor's team suggestions still waiting for a decision."""
    return Suggestion.objects.filter(
        author__team__supervisor=user, status__in=[SuggestionStatus.SUBMITTED, SuggestionStatus.REVIEWED]
    ).select_related("author")
