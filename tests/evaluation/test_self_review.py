"""No one decides their own result (issue 19 item 12): a person who is both HR and a merchandiser cannot adjust
their own scorecard, record their own reward or penalty, or answer their own appeal. Another HR person can."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.roles import Role
from core.errors import NotPermitted
from evaluation.models import Appeal, Outcome, ScoreAdjustment, Scorecard, ScoreLine
from evaluation.services import appeal_answer, appeal_submit, evaluation_finalise, outcome_record, score_adjust

from .conftest import SCORED_AT, now_is

pytestmark = pytest.mark.django_db


@pytest.fixture
def scored(fixture_quarter, test_scheme, client, django_capture_on_commit_callbacks):
    """The fixture quarter scored, with Alice, a merchandiser, also in HR."""
    client.force_login(fixture_quarter.hr)
    with now_is(SCORED_AT), django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("evaluation:run_start"), {"quarter": "2026Q1"}).status_code == 302
    fixture_quarter.alice.groups.add(Group.objects.get(name=Role.HR))
    return fixture_quarter


def line_of(person, kpi="on_time_delivery") -> ScoreLine:
    return ScoreLine.objects.get(merchandiser=person, kpi=kpi)


def test_hr_cannot_adjust_their_own_score_by_the_service(scored):
    fx = scored
    line = line_of(fx.alice)

    with now_is(SCORED_AT), pytest.raises(NotPermitted):
        score_adjust(line_id=line.pk, actor=fx.alice, new_score=100, reason="I was great")

    assert not ScoreAdjustment.objects.exists()
    assert ScoreLine.objects.get(pk=line.pk).adjusted_score is None


def test_hr_cannot_adjust_their_own_score_on_the_page(scored, client):
    fx = scored
    line = line_of(fx.alice)
    client.force_login(fx.alice)

    with now_is(SCORED_AT):
        response = client.post(reverse("evaluation:adjust", args=[line.pk]), {"new_score": "100", "reason": "mine"})
        page = client.get(reverse("evaluation:scorecard", args=[line.scorecard_id])).content.decode()

    # NotPermitted is a 403 page that says why (core.views, the error rule)
    assert response.status_code == 403
    assert "You cannot decide your own evaluation result: another HR person must." in response.content.decode()
    assert f'action="{reverse("evaluation:adjust", args=[line.pk])}"' not in page  # no form for one's own
    assert not ScoreAdjustment.objects.exists()


def test_hr_may_still_adjust_a_colleagues_score(scored):
    fx = scored
    with now_is(SCORED_AT):
        line = ScoreLine.objects.filter(merchandiser=fx.bob, applicable=True).exclude(score=100).first()
        score_adjust(line_id=line.pk, actor=fx.alice, new_score=100, reason="Port strike")
    assert ScoreAdjustment.objects.get().by == fx.alice


def test_hr_cannot_record_their_own_outcome_or_answer_their_own_appeal(scored):
    fx = scored
    card = Scorecard.objects.get(merchandiser=fx.alice)
    with now_is(SCORED_AT):
        evaluation_finalise(evaluation_id=card.evaluation_id, actor=fx.hr)
        appeal = appeal_submit(scorecard_id=card.pk, actor=fx.alice, reason="The late shipment was a hold.")

        with pytest.raises(NotPermitted):
            outcome_record(scorecard_id=card.pk, actor=fx.alice, kind="bonus", reason="Me", amount="500")
        with pytest.raises(NotPermitted):
            appeal_answer(appeal_id=appeal.pk, actor=fx.alice, decision="upheld", answer="Agreed with myself")

    assert not Outcome.objects.exists()
    assert Appeal.objects.get(pk=appeal.pk).status == "open"
