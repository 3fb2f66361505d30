"""HR's dashboard overview (evaluation.selectors.evaluation_overview): the ranking's top and bottom five,
the distribution and the head count, from the latest scored quarter, whatever the company's size."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.roles import Role
from evaluation.models import EvaluationQuarter, Scorecard
from evaluation.selectors import evaluation_overview

from ..factories import staff

pytestmark = pytest.mark.django_db


def scored_quarter(totals: list[int]) -> list[Scorecard]:
    evaluation = EvaluationQuarter.objects.create(year=2026, quarter=1, computed_at=timezone.now())
    return [
        Scorecard.objects.create(evaluation=evaluation, merchandiser=staff(Role.MERCHANDISER), total=Decimal(t))
        for t in totals
    ]


def test_top_and_bottom_five_distribution_and_count():
    cards = scored_quarter([55, 91, 12, 78, 64, 100, 33, 47, 86, 70, 5, 99])
    by_total = {int(c.total): c.pk for c in cards}

    overview = evaluation_overview()

    assert [int(c.total) for c in overview["top"]] == [100, 99, 91, 86, 78]
    assert [int(c.total) for c in overview["bottom"]] == [5, 12, 33, 47, 55]  # lowest first
    assert overview["top"][0].pk == by_total[100] and overview["top"][0].merchandiser_id
    assert overview["people"] == 12
    assert sum(band["count"] for band in overview["distribution"]) == 12
    assert overview["distribution"][9]["count"] == 3  # 91, 99, 100


def test_its_cost_does_not_grow_with_the_company():
    scored_quarter([50, 60])
    with CaptureQueriesContext(connection) as small:
        evaluation_overview()
    Scorecard.objects.all().delete()
    EvaluationQuarter.objects.all().delete()
    scored_quarter(list(range(0, 100, 2)))
    with CaptureQueriesContext(connection) as large:
        overview = evaluation_overview()

    assert len(large.captured_queries) == len(small.captured_queries)
    assert len(overview["top"]) == 5 and len(overview["bottom"]) == 5
