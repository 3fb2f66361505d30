"""The supervisor's assessment (policy 5.1.2): a quarterly rating 1–5 with a comment, given by the
merchandiser's supervisor, scored as the KPI `supervisor_rating` with the weight the scheme sets, shown on
the scorecard beside its evidence (the quarter's record reviews). A finalised quarter cannot be re-rated."""

from datetime import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.roles import Role
from core.errors import InvalidInput, NotPermitted
from evaluation.codes import EventType
from evaluation.errors import QuarterFrozen
from evaluation.models import EvaluationEvent, EvaluationQuarter, ScoreLine, SupervisorRating
from evaluation.quarters import Quarter
from evaluation.selectors import scorecard_assessment, team_assessments
from evaluation.services import evaluation_finalise, evaluation_run_start, scheme_create, supervisor_rate
from supervision.models import RecordReview

from ..factories import staff
from .conftest import Q1, SCORED_AT, now_is, scheme_lines, sh

pytestmark = pytest.mark.django_db

D = Decimal
IN_Q1 = sh(2026, 3, 20, 10)


def rate(fx, person, rating=4, comment="Reliable, follows up daily.", *, actor=None, quarter=Q1, at=IN_Q1):
    with now_is(at):
        return supervisor_rate(
            actor=actor or fx.supervisor, merchandiser_id=person.pk, quarter=quarter, rating=rating, comment=comment
        )


def weighted_scheme(fx):
    """The test scheme with the assessment weighing 10, taken from on-time delivery (20 → 10)."""
    lines = scheme_lines(
        on_time_delivery=(10, "100", "0", "linear", None), supervisor_rating=(10, "5", "1", "linear", None)
    )
    assert sum(line.weight for line in lines) == 100
    return scheme_create(actor=fx.hr, quarter=Q1, lines=lines, note="with the assessment")


def score(fx, capture):
    with now_is(SCORED_AT), capture(execute=True):
        evaluation_run_start(quarter=Q1, actor=fx.hr)


def test_the_rating_is_a_kpi_with_the_weight_the_scheme_sets(fixture_quarter, django_capture_on_commit_callbacks):
    fx = fixture_quarter
    weighted_scheme(fx)
    rate(fx, fx.alice, 4)
    score(fx, django_capture_on_commit_callbacks)

    line = ScoreLine.objects.get(merchandiser=fx.alice, kpi="supervisor_rating")
    # 4 on a line from 1 (0) to 5 (100): 75; weight 10: 7.50 points.
    assert (line.numerator, line.denominator, line.value) == (D(4), D(1), D("4.0000"))
    assert (line.applicable, line.score, line.points, line.weight) == (True, D("75.00"), D("7.50"), 10)
    # Bob was not rated: the KPI drops out for him and his other KPIs are scaled up.
    bob = ScoreLine.objects.get(merchandiser=fx.bob, kpi="supervisor_rating")
    assert (bob.applicable, bob.points) == (False, D(0))


def test_weight_zero_leaves_the_total_alone(fixture_quarter, test_scheme, django_capture_on_commit_callbacks):
    fx = fixture_quarter
    rate(fx, fx.alice, 1)
    score(fx, django_capture_on_commit_callbacks)
    line = ScoreLine.objects.get(merchandiser=fx.alice, kpi="supervisor_rating")
    assert (line.applicable, line.points) == (False, D(0))
    assert line.scorecard.total == D("64.00")  # the hand-computed total of test_kpis_by_hand.py


def test_rating_again_replaces_and_the_event_keeps_the_old(fixture_quarter):
    fx = fixture_quarter
    rate(fx, fx.alice, 3, "Slow to confirm.")
    rate(fx, fx.alice, 4, "Better after March.")

    rating = SupervisorRating.objects.get()
    assert (rating.rating, rating.comment, rating.rated_by) == (4, "Better after March.", fx.supervisor)
    events = list(EvaluationEvent.objects.filter(type=EventType.RATED).order_by("pk"))
    assert [e.payload["rating"] for e in events] == [3, 4]
    assert events[1].payload["previous"] == {"rating": 3, "comment": "Slow to confirm."}
    assert events[1].actor == fx.supervisor


def test_only_the_team_supervisor_rates(fixture_quarter, team_b):
    fx = fixture_quarter
    for actor in (team_b[1], fx.hr, fx.bob, staff(Role.MANAGEMENT)):
        with pytest.raises(NotPermitted):
            rate(fx, fx.alice, actor=actor)
    with pytest.raises(NotPermitted):
        rate(fx, fx.supervisor)  # not a merchandiser; nobody rates themself
    assert not SupervisorRating.objects.exists()


@pytest.mark.parametrize(("rating", "comment"), [(0, "x"), (6, "x"), ("five", "x"), (None, "x"), (3, "   ")])
def test_bad_input_is_refused_with_a_message(fixture_quarter, rating, comment):
    with pytest.raises(InvalidInput):
        rate(fixture_quarter, fixture_quarter.alice, rating, comment)


def test_a_quarter_not_started_cannot_be_rated(fixture_quarter):
    with pytest.raises(InvalidInput):
        rate(fixture_quarter, fixture_quarter.alice, quarter=Quarter(2026, 2))


def test_a_finalised_quarter_cannot_be_re_rated(fixture_quarter, django_capture_on_commit_callbacks):
    fx = fixture_quarter
    weighted_scheme(fx)
    rate(fx, fx.alice, 4)
    score(fx, django_capture_on_commit_callbacks)
    with now_is(SCORED_AT):
        evaluation_finalise(evaluation_id=EvaluationQuarter.objects.get().pk, actor=fx.hr)
    with pytest.raises(QuarterFrozen):
        rate(fx, fx.alice, 2, at=SCORED_AT)
    with pytest.raises(QuarterFrozen):
        rate(fx, fx.bob, 5, at=SCORED_AT)
    assert SupervisorRating.objects.get().rating == 4


def _review(fx, person, order_key, rating, at):
    return RecordReview.objects.create(
        order=fx.orders[order_key],
        merchandiser=person,
        reviewer=fx.supervisor,
        rating=rating,
        comment="ok",
        reviewed_at=at,
    )


def test_the_evidence_is_the_quarters_record_reviews(fixture_quarter, django_capture_on_commit_callbacks):
    fx = fixture_quarter
    weighted_scheme(fx)
    inside = [_review(fx, fx.alice, "a1", 4, sh(2026, 2, 2, 10)), _review(fx, fx.alice, "a2", 3, sh(2026, 3, 2, 10))]
    _review(fx, fx.alice, "a1", 1, sh(2026, 4, 2, 10))  # Q2: not evidence for Q1
    _review(fx, fx.bob, "b1", 5, sh(2026, 2, 2, 10))
    rate(fx, fx.alice, 4)
    score(fx, django_capture_on_commit_callbacks)

    card = ScoreLine.objects.get(merchandiser=fx.alice, kpi="supervisor_rating").scorecard
    assessment = scorecard_assessment(card)
    assert assessment.rating.rating == 4
    assert assessment.reviews == inside and assessment.review_average == 3.5

    team = {m.merchandiser: m.assessment for m in team_assessments(user=fx.supervisor, quarter=Q1)}
    assert set(team) == {fx.alice, fx.bob, fx.carol}
    assert team[fx.alice].reviews == inside and team[fx.bob].rating is None and len(team[fx.bob].reviews) == 1
    assert team_assessments(user=fx.hr, quarter=Q1) == []


def test_the_supervisor_rates_from_the_page_and_hr_reads_it_on_the_scorecard(
    fixture_quarter, client, django_capture_on_commit_callbacks
):
    fx = fixture_quarter
    weighted_scheme(fx)
    _review(fx, fx.alice, "a1", 4, sh(2026, 2, 2, 10))
    client.force_login(fx.supervisor)
    with now_is(IN_Q1):
        page = client.get(reverse("evaluation:ratings", args=[2026, 1]))
        assert page.status_code == 200 and str(fx.alice) in page.content.decode()
        url = reverse("evaluation:rate", args=[2026, 1, fx.alice.pk])
        bad = client.post(url, {"rating": 9, "comment": ""})
        assert bad.status_code == 302 and not SupervisorRating.objects.exists()
        client.post(url, {"rating": 5, "comment": "Owns problems."})
    assert SupervisorRating.objects.get(merchandiser=fx.alice).rating == 5
    score(fx, django_capture_on_commit_callbacks)

    client.force_login(fx.hr)
    card = ScoreLine.objects.get(merchandiser=fx.alice, kpi="supervisor_rating").scorecard
    body = client.get(reverse("evaluation:scorecard", args=[card.pk])).content.decode()
    assert "Owns problems." in body and str(fx.orders["a1"]) in body


def test_only_supervisors_open_the_ratings_page(fixture_quarter, client):
    fx = fixture_quarter
    for person in (fx.alice, fx.hr):
        client.force_login(person)
        assert client.get(reverse("evaluation:ratings", args=[2026, 1])).status_code == 403
    client.force_login(fx.supervisor)
    with now_is(datetime(2026, 3, 20, 2, 0, tzinfo=IN_Q1.tzinfo)):
        assert client.get(reverse("evaluation:ratings_current")).status_code == 302
        assert client.get(reverse("evaluation:ratings", args=[2026, 9])).status_code == 404
