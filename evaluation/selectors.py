"""Reads of the evaluation, each scoped to what the person may see and costing a constant number of queries."""

from collections import Counter
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import F, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.roles import Role, has_role
from orders.models import Order
from orders.selectors import orders_visible_to

from .codes import AppealStatus, QuarterStatus, RunStatus
from .kpis import KPI_BY_CODE, Period, analytics_session
from .models import (
    Appeal,
    EvaluationQuarter,
    EvaluationRun,
    KpiScheme,
    Outcome,
    ScoreAdjustment,
    Scorecard,
    ScorecardComment,
    ScoreLine,
    SupervisorRating,
)
from .permissions import is_hr, reads_all_scorecards
from .quarters import Quarter

DRILLDOWN_PAGE = 50


def scheme_in_force(quarter: Quarter) -> KpiScheme | None:
    return (
        KpiScheme.objects.filter(Q(year__lt=quarter.year) | Q(year=quarter.year, quarter__lte=quarter.q))
        .order_by("-year", "-quarter", "-version")
        .first()
    )


def schemes_list() -> QuerySet[KpiScheme]:
    return KpiScheme.objects.select_related("created_by").prefetch_related("lines")


def scorecards_visible_to(user) -> QuerySet[Scorecard]:
    """HR and management: every scorecard. Supervisors: their teams' (the team when it was scored).
    Merchandisers: their own, once the quarter is final. Everyone else: none."""
    qs = Scorecard.objects.select_related("evaluation", "merchandiser", "team")
    if not user.is_authenticated:
        return qs.none()
    if reads_all_scorecards(user):
        return qs
    condition = Q(pk__in=[])
    if has_role(user, Role.SUPERVISOR):
        condition |= Q(team__supervisor=user)
    if has_role(user, Role.MERCHANDISER):
        condition |= Q(merchandiser=user, evaluation__status=QuarterStatus.FINALISED)
    return qs.filter(condition)


def quarters_visible_to(user) -> QuerySet[EvaluationQuarter]:
    qs = EvaluationQuarter.objects.select_related("scheme", "finalised_by")
    if reads_all_scorecards(user):
        return qs
    return qs.filter(pk__in=scorecards_visible_to(user).values("evaluation_id"))


def quarter_get(*, user, quarter: Quarter) -> EvaluationQuarter:
    """The quarter's evaluation (HR sees quarters never scored too, as an empty page), or 404."""
    evaluation = quarters_visible_to(user).filter(year=quarter.year, quarter=quarter.q).first()
    if evaluation is None:
        if is_hr(user) or reads_all_scorecards(user):
            return EvaluationQuarter(year=quarter.year, quarter=quarter.q)
        raise Http404
    return evaluation


def latest_run(evaluation: EvaluationQuarter) -> EvaluationRun | None:
    if evaluation.pk is None:
        return None
    return evaluation.runs.select_related("requested_by").order_by("-created_at", "-id").first()


def run_get_for_user(*, user, run_id) -> EvaluationRun:
    if not is_hr(user):
        raise Http404
    try:
        return EvaluationRun.objects.select_related("evaluation").get(pk=run_id)
    except (EvaluationRun.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


RANKING = (F("total").desc(nulls_last=True), "merchandiser__username")


def quarter_scorecards(*, user, evaluation: EvaluationQuarter) -> list[Scorecard]:
    """The ranking: highest total first, each with its `rank`; scorecards with not enough data (no total)
    come last, unranked (rank None)."""
    if evaluation.pk is None:
        return []
    cards = list(
        scorecards_visible_to(user)
        .filter(evaluation=evaluation)
        .order_by(*RANKING)
        .prefetch_related(Prefetch("lines", queryset=ScoreLine.objects.order_by("pk")))
    )
    for rank, card in enumerate(cards, start=1):
        card.rank = rank if card.has_score else None
    return cards


def lacking_data(scorecards) -> list[Scorecard]:
    """The scorecards with not enough data to score: finalising leaves them without a result."""
    return [card for card in scorecards if not card.has_score]


def score_distribution(scorecards) -> list[dict]:
    """Totals in bands of ten: 0–9, 10–19, ... 90–100 (of scorecards, or of rows with a `total`). A scorecard
    with not enough data has no total and is in no band."""
    bands = Counter(min(9, int(card.total // 10)) for card in scorecards if card.total is not None)
    return [{"low": i * 10, "high": i * 10 + (10 if i == 9 else 9), "count": bands.get(i, 0)} for i in range(10)]


def scorecard_get_for_user(*, user, pk) -> Scorecard:
    try:
        return scorecards_visible_to(user).select_related("evaluation__scheme", "run").get(pk=pk)
    except (Scorecard.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


@dataclass
class ScorecardView:
    scorecard: Scorecard
    lines: list[ScoreLine]
    adjustments: list[ScoreAdjustment]
    comments: list[ScorecardComment]
    outcomes: list[Outcome]
    appeals: list[Appeal]

    @property
    def open_appeal(self) -> Appeal | None:
        return next((a for a in self.appeals if a.status == AppealStatus.OPEN), None)


def scorecard_view(scorecard: Scorecard) -> ScorecardView:
    """The scorecard with its lines and its history. Five queries."""
    return ScorecardView(
        scorecard=scorecard,
        lines=list(scorecard.lines.order_by("pk")),
        adjustments=list(scorecard.adjustments.select_related("by", "line").order_by("at", "pk")),
        comments=list(scorecard.comments.select_related("author").order_by("created_at", "pk")),
        outcomes=list(scorecard.outcomes.select_related("decided_by").prefetch_related("violations")),
        appeals=list(scorecard.appeals.select_related("submitted_by", "answered_by")),
    )


def my_scorecards(user) -> QuerySet[Scorecard]:
    return (
        Scorecard.objects.filter(merchandiser=user, evaluation__status=QuarterStatus.FINALISED)
        .select_related("evaluation")
        .order_by("-evaluation__year", "-evaluation__quarter")
    )


def appeals_open() -> QuerySet[Appeal]:
    return (
        Appeal.objects.filter(status=AppealStatus.OPEN)
        .select_related("scorecard__evaluation", "scorecard__merchandiser", "submitted_by")
        .order_by("submitted_at", "pk")
    )


def appeals_recent(limit: int = 20) -> list[Appeal]:
    return list(
        Appeal.objects.exclude(status=AppealStatus.OPEN)
        .select_related("scorecard__evaluation", "scorecard__merchandiser", "answered_by")
        .order_by("-answered_at", "-pk")[:limit]
    )


@dataclass
class Drilldown:
    kpi: object
    line: ScoreLine
    rows: list
    page: object
    hidden: int  # orders the viewer may not open (handed over to another team since)


def drilldown(*, user, scorecard: Scorecard, kpi_code: str, page_number=1) -> Drilldown:
    """The records behind one number: the KPI's own filter re-run for this person and quarter (as of the
    time it was scored), listing the orders and what each added to the numerator and the denominator."""
    kpi = KPI_BY_CODE.get(kpi_code)
    line = next((x for x in scorecard.lines.all() if x.kpi == kpi_code), None)
    if kpi is None or line is None or not kpi.available():
        raise Http404
    evaluation = scorecard.evaluation
    period = Period.of(evaluation.period, evaluation.computed_at or timezone.now())
    rows = sorted(
        kpi.drilldown(period, person_id=scorecard.merchandiser_id, param=line.param),
        key=lambda r: (r.when is None, r.when or 0, r.order_id or 0) if r.order_id is None else (False, 0, r.order_id),
    )
    paginator = Paginator(rows, DRILLDOWN_PAGE)
    page = paginator.get_page(page_number)
    ids = [r.order_id for r in page.object_list if r.order_id]
    orders = {o.pk: o for o in orders_visible_to(user).filter(pk__in=ids).select_related("customer")}
    # An order handed over since: named, not linked (its page is not the viewer's to open).
    others = Order.objects.filter(pk__in=set(ids) - set(orders)).select_related("customer")
    names = {o.pk: o.display_number for o in others}
    hidden = 0
    for row in page.object_list:
        row.order = orders.get(row.order_id)
        if row.order_id and row.order is None:
            row.order_name = names.get(row.order_id, "")
            hidden += 1
    return Drilldown(kpi=kpi, line=line, rows=list(page.object_list), page=page, hidden=hidden)


def runs_active() -> QuerySet[EvaluationRun]:
    return EvaluationRun.objects.filter(status__in=[RunStatus.QUEUED, RunStatus.RUNNING]).select_related("evaluation")


@dataclass
class KpisSoFar:
    quarter: Quarter
    lines: list
    total: object
    coverage: int


def kpis_so_far(*, person, now=None) -> KpisSoFar:
    """The person's KPIs this quarter up to now, computed live with the scheme in force: one query per KPI,
    each narrowed to this person (for the merchandiser's own dashboard)."""
    from .kpis import compute_lines
    from .scoring import LineScore, min_measured_weight, scorecard_total
    from .services import default_scheme_lines
    from .worktime import working_days_ensure

    now = now or timezone.now()
    quarter = Quarter.containing(now)
    scheme = scheme_in_force(quarter)
    scheme_lines = list(scheme.lines.all()) if scheme else default_scheme_lines()
    working_days_ensure(upto=timezone.localdate(now))
    period = Period.of(quarter, now)
    measures = {}
    with analytics_session():
        for sl in scheme_lines:
            kpi = KPI_BY_CODE[sl.kpi]
            if kpi.available():
                measures[sl.kpi] = kpi.measure(period, people=[person.pk], param=sl.param)
    lines = compute_lines(scheme_lines=scheme_lines, measures=measures, person=person.pk)
    total = scorecard_total(
        [LineScore(x.weight, x.score, x.applicable) for x in lines], min_measured=min_measured_weight()
    )
    return KpisSoFar(quarter, lines, total, sum(x.weight for x in lines if x.applicable))


def evaluation_overview() -> dict:
    """HR's dashboard: this quarter and the last, the latest scored quarter's ranking and distribution,
    and the appeals waiting. A constant number of queries."""
    current = Quarter.current()
    wanted = [current, current.previous()]
    found = {
        (e.year, e.quarter): e
        for e in EvaluationQuarter.objects.filter(
            Q(year=wanted[0].year, quarter=wanted[0].q) | Q(year=wanted[1].year, quarter=wanted[1].q)
        ).select_related("scheme")
    }
    runs = {}
    for run in EvaluationRun.objects.filter(evaluation__in=list(found.values())).order_by(
        "evaluation_id", "-created_at"
    ):
        runs.setdefault(run.evaluation_id, run)
    quarters = []
    for q in wanted:
        evaluation = found.get((q.year, q.q))
        quarters.append(
            {"quarter": q, "evaluation": evaluation, "run": runs.get(evaluation.pk) if evaluation else None}
        )
    latest = EvaluationQuarter.objects.filter(computed_at__isnull=False).order_by("-year", "-quarter").first()
    # Every scorecard's total (for the distribution and the count), but whole rows only for the ten shown:
    # a company of 250 merchandisers made this page build 250 scorecards with their people and teams.
    # Scorecards with not enough data have no total: they are counted apart, never ranked.
    ranked, unscored = [], 0
    if latest:
        rows = list(
            Scorecard.objects.filter(evaluation=latest).order_by(*RANKING).values_list("pk", "total", named=True)
        )
        ranked = [row for row in rows if row.total is not None]
        unscored = len(rows) - len(ranked)
    top_ids = [row.pk for row in ranked[:5]]
    bottom_ids = [row.pk for row in reversed(ranked[-5:])] if len(ranked) > 5 else []
    shown = Scorecard.objects.select_related("merchandiser", "team").in_bulk(top_ids + bottom_ids) if ranked else {}
    return {
        "quarters": quarters,
        "latest": latest,
        "top": [shown[pk] for pk in top_ids],
        "bottom": [shown[pk] for pk in bottom_ids],
        "distribution": score_distribution(ranked),
        "people": len(ranked),
        "not_enough_data": unscored,
        "appeals": list(appeals_open()[:10]),
        "appeals_open": appeals_open().count(),
    }


# --- the supervisor's assessment (policy 5.1.2) -------------------------------------------------------------
@dataclass
class Assessment:
    """The supervisor's rating of one merchandiser for one quarter and its evidence: the record reviews of the
    merchandiser's work in that quarter."""

    rating: SupervisorRating | None
    reviews: list

    @property
    def review_average(self):
        if not self.reviews:
            return None
        return round(sum(r.rating for r in self.reviews) / len(self.reviews), 2)


def _record_reviews(quarter: Quarter, merchandiser_ids):
    from supervision.models import RecordReview

    return (
        RecordReview.objects.filter(
            merchandiser_id__in=list(merchandiser_ids), reviewed_at__gte=quarter.start, reviewed_at__lt=quarter.end
        )
        .select_related("order", "reviewer")
        .order_by("reviewed_at", "pk")
    )


def scorecard_assessment(scorecard: Scorecard) -> Assessment:
    """For the scorecard: the rating and the record reviews behind it. Two queries."""
    quarter = scorecard.evaluation.period
    rating = (
        SupervisorRating.objects.filter(
            evaluation_id=scorecard.evaluation_id, merchandiser_id=scorecard.merchandiser_id
        )
        .select_related("rated_by")
        .first()
    )
    return Assessment(rating=rating, reviews=list(_record_reviews(quarter, [scorecard.merchandiser_id])))


@dataclass
class TeamMemberAssessment:
    merchandiser: object
    assessment: Assessment


def team_assessments(*, user, quarter: Quarter) -> list[TeamMemberAssessment]:
    """The merchandisers of the teams `user` leads, each with their rating for `quarter` (if given) and the
    record reviews of the quarter. Three queries whatever the team's size."""
    from django.contrib.auth import get_user_model

    if not (user.is_authenticated and has_role(user, Role.SUPERVISOR)):
        return []
    people = list(
        get_user_model()
        .objects.filter(team__supervisor=user, is_active=True, groups__name=Role.MERCHANDISER)
        .exclude(pk=user.pk)
        .distinct()
        .order_by("username")
    )
    ids = [p.pk for p in people]
    ratings = {
        r.merchandiser_id: r
        for r in SupervisorRating.objects.filter(
            evaluation__year=quarter.year, evaluation__quarter=quarter.q, merchandiser_id__in=ids
        ).select_related("rated_by")
    }
    reviews: dict[int, list] = {pk: [] for pk in ids}
    for review in _record_reviews(quarter, ids):
        reviews[review.merchandiser_id].append(review)
    return [TeamMemberAssessment(p, Assessment(ratings.get(p.pk), reviews[p.pk])) for p in people]


def quarter_is_frozen(quarter: Quarter) -> bool:
    return EvaluationQuarter.objects.filter(
        year=quarter.year, quarter=quarter.q, status=QuarterStatus.FINALISED
    ).exists()
