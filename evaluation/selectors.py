"""Reads of the evaluation, each scoped to what the person may see."""

from django.db.models import Q, QuerySet

from .models import EvaluationQuarter, KpiScheme, Scorecard
from .permissions import is_hr, reads_all_scorecards
from .quarters import Quarter


def scheme_in_force(quarter: Quarter) -> KpiScheme | None:
    return (
        KpiScheme.objects.filter(Q(year__lt=quarter.year) | Q(year=quarter.year, quarter__lte=quarter.q))
        .order_by("-year", "-quarter", "-version")
        .first()
    )


def scorecards_visible_to(user) -> QuerySet[Scorecard]:
    """HR and management: every scorecard. Supervisors: their teams' (the team when it was scored).
    Merchandisers: their own, once the quarter is final. Everyone else: none."""
    qs = Scorecard.objects.select_related("evaluation", "merchandiser", "team")
    if not user.is_authenticated:
        return qs.none()
    if reads_all_scorecards(user):
        return qs
    return qs.filter(Q(team__supervisor=user) | Q(merchandiser=user, evaluation__status="finalised"))


def quarters_visible_to(user) -> QuerySet[EvaluationQuarter]:
    qs = EvaluationQuarter.objects.select_related("scheme", "finalised_by")
    if is_hr(user) or reads_all_scorecards(user):
        return qs
    return qs.filter(pk__in=scorecards_visible_to(user).values("evaluation_id"))
