"""Evaluation under "Waiting for you": scorecard appeals for HR, never one's own."""

import pytest
from django.urls import reverse

from evaluation import waiting
from evaluation.models import Scorecard
from evaluation.services import appeal_answer, appeal_submit, evaluation_finalise

from .conftest import SCORED_AT, now_is
from .test_self_review import scored  # noqa: F401 - the fixture quarter scored, Alice also in HR

pytestmark = pytest.mark.django_db


def test_an_appeal_waits_for_hr_but_not_for_the_one_who_appealed(scored):  # noqa: F811
    fx = scored
    card = Scorecard.objects.get(merchandiser=fx.alice)
    with now_is(SCORED_AT):
        evaluation_finalise(evaluation_id=card.evaluation_id, actor=fx.hr)
        appeal = appeal_submit(scorecard_id=card.pk, actor=fx.alice, reason="The late shipment was a hold.")
    [item] = waiting.scorecard_appeals(fx.hr)
    assert item.url == reverse("evaluation:scorecard", args=[card.pk])
    assert waiting.scorecard_appeals(fx.alice) == []  # HR too, but it is her own
    with now_is(SCORED_AT):
        appeal_answer(appeal_id=appeal.pk, actor=fx.hr, decision="upheld", answer="Agreed.")
    assert waiting.scorecard_appeals(fx.hr) == []
