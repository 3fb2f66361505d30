"""Evaluation that does not flatter: a scorecard whose KPIs with data weigh less than
EVALUATION_MIN_MEASURED_WEIGHT (per cent of the scheme) has no total. It reads "not enough data", is not
ranked, gets no final score and no reward.

In the fixture quarter (conftest.py) Alice is measured on every KPI (weight 100), Bob on KPIs weighing
exactly 60, and Carol on nothing but her clean discipline record (weight 5), which used to be scaled up
to 100/100 and ranked first."""

from decimal import Decimal

import pytest
from django.test import override_settings
from django.urls import reverse

from accounts.roles import Role
from core.errors import TransitionRefused
from evaluation.codes import EventType, OutcomeKind, QuarterStatus
from evaluation.models import EvaluationEvent, EvaluationQuarter, Outcome, Scorecard, ScoreLine
from evaluation.quarters import Quarter
from evaluation.scoring import LineScore, measured_weight, scorecard_total
from evaluation.selectors import evaluation_overview, kpis_so_far, quarter_scorecards, score_distribution
from evaluation.services import evaluation_finalise, evaluation_run_start, outcome_record, scheme_create, score_adjust

from ..factories import staff
from .conftest import Q1, SCORED_AT, now_is, scheme_lines

pytestmark = pytest.mark.django_db

D = Decimal


def score_q1(fx, capture):
    with now_is(SCORED_AT), capture(execute=True):
        evaluation_run_start(quarter=Q1, actor=fx.hr)
    return EvaluationQuarter.objects.get(year=2026, quarter=1)


def card_of(person) -> Scorecard:
    return Scorecard.objects.get(merchandiser=person, evaluation__year=2026, evaluation__quarter=1)


# --- the arithmetic ---------------------------------------------------------------------------------------
def test_the_total_needs_the_minimum_measured_weight():
    violations_only = [LineScore(10, D(100), True), LineScore(90, D(0), False)]
    assert measured_weight(violations_only) == D(10)
    assert scorecard_total(violations_only, min_measured=60) is None  # it used to be 100.00
    assert scorecard_total(violations_only, min_measured=10) == D("100.00")
    at_the_line = [LineScore(60, D(50), True), LineScore(40, D(0), False)]
    assert scorecard_total(at_the_line, min_measured=60) == D("50.00")  # "below" the threshold only
    assert scorecard_total(at_the_line, min_measured=61) is None
    # Weight-0 lines are part of the scheme but weigh nothing: the share is of the scheme's total weight.
    with_zero = [LineScore(70, D(80), True), LineScore(0, D(0), True), LineScore(30, D(0), False)]
    assert measured_weight(with_zero) == D(70)
    assert scorecard_total([LineScore(10, D(0), False)], min_measured=0) is None  # nothing measured at all


# --- the scoring job ----------------------------------------------------------------------------------------
def test_a_person_with_nothing_to_measure_is_not_scored_100(
    fixture_quarter, test_scheme, django_capture_on_commit_callbacks
):
    fx = fixture_quarter
    evaluation = score_q1(fx, django_capture_on_commit_callbacks)

    carol = card_of(fx.carol)
    assert (carol.total, carol.computed_total, carol.coverage) == (None, None, 5)
    assert not carol.has_score
    # Bob's KPIs with data weigh exactly 60: not below the threshold, so he has his (scaled) total.
    assert (card_of(fx.bob).total, card_of(fx.bob).coverage) == (D("91.67"), 60)
    # Carol comes last, unranked, on every database (PostgreSQL sorts NULL first in a descending order).
    ranking = quarter_scorecards(user=fx.hr, evaluation=evaluation)
    assert [(c.merchandiser, c.rank) for c in ranking] == [(fx.bob, 1), (fx.alice, 2), (fx.carol, None)]
    assert list(Scorecard.objects.filter(evaluation=evaluation)) == [card_of(fx.bob), card_of(fx.alice), carol]
    assert sum(band["count"] for band in score_distribution(ranking)) == 2


def test_the_threshold_is_a_setting(fixture_quarter, test_scheme, django_capture_on_commit_callbacks):
    fx = fixture_quarter
    with override_settings(EVALUATION_MIN_MEASURED_WEIGHT=61):
        score_q1(fx, django_capture_on_commit_callbacks)
    assert card_of(fx.bob).total is None and card_of(fx.alice).total == D("64.00")
    with override_settings(EVALUATION_MIN_MEASURED_WEIGHT=0):
        score_q1(fx, django_capture_on_commit_callbacks)
    assert card_of(fx.bob).total == D("91.67") and card_of(fx.carol).total == D("100.00")


def test_an_adjustment_gives_no_total_to_a_scorecard_without_data(
    fixture_quarter, test_scheme, django_capture_on_commit_callbacks
):
    fx = fixture_quarter
    score_q1(fx, django_capture_on_commit_callbacks)
    line = ScoreLine.objects.get(merchandiser=fx.carol, kpi="violations")
    with now_is(SCORED_AT):
        score_adjust(line_id=line.pk, actor=fx.hr, new_score="90", reason="Late to the weekly meeting twice")
    assert card_of(fx.carol).total is None
    alice_line = ScoreLine.objects.get(merchandiser=fx.alice, kpi="on_time_delivery")
    with now_is(SCORED_AT):
        score_adjust(line_id=alice_line.pk, actor=fx.hr, new_score="90", reason="Port strike (force majeure)")
    assert card_of(fx.alice).total == D("68.67")


# --- finalising and rewarding -------------------------------------------------------------------------------
def test_finalising_leaves_the_scorecards_without_data_unscored_and_says_so(
    fixture_quarter, test_scheme, django_capture_on_commit_callbacks
):
    fx = fixture_quarter
    evaluation = score_q1(fx, django_capture_on_commit_callbacks)
    with now_is(SCORED_AT):
        evaluation_finalise(evaluation_id=evaluation.pk, actor=fx.hr)
    event = EvaluationEvent.objects.get(type=EventType.FINALISED)
    assert event.payload == {"people": 3, "not_enough_data": [fx.carol.pk]}
    assert card_of(fx.carol).total is None


def test_a_quarter_where_no_one_has_enough_data_cannot_be_finalised(hr_user, django_capture_on_commit_callbacks):
    """A quiet quarter: nothing happened, so everyone used to score 100/100 and could be finalised so."""
    quiet = Quarter(2025, 3)
    scheme_create(actor=hr_user, quarter=quiet, lines=scheme_lines(), note="quiet")
    first, second = staff(Role.MERCHANDISER, first_name="Dan"), staff(Role.MERCHANDISER, first_name="Eve")
    with now_is(SCORED_AT), django_capture_on_commit_callbacks(execute=True):
        evaluation_run_start(quarter=quiet, actor=hr_user)
    evaluation = EvaluationQuarter.objects.get(year=2025, quarter=3)
    assert list(evaluation.scorecards.values_list("total", flat=True)) == [None, None]

    with now_is(SCORED_AT), pytest.raises(TransitionRefused) as refused:
        evaluation_finalise(evaluation_id=evaluation.pk, actor=hr_user)
    message = str(refused.value.message)
    assert "no scorecard has enough data" in message
    assert str(first) in message and str(second) in message
    assert "at least 60 of 100" in str(refused.value.reasons[0])
    assert EvaluationQuarter.objects.get(pk=evaluation.pk).status == QuarterStatus.DRAFT


def test_no_reward_on_a_scorecard_without_data(fixture_quarter, test_scheme, django_capture_on_commit_callbacks):
    fx = fixture_quarter
    evaluation = score_q1(fx, django_capture_on_commit_callbacks)
    with now_is(SCORED_AT):
        evaluation_finalise(evaluation_id=evaluation.pk, actor=fx.hr)
    carol = card_of(fx.carol)

    with pytest.raises(TransitionRefused) as refused:
        outcome_record(scorecard_id=carol.pk, actor=fx.hr, kind=OutcomeKind.BONUS, amount="500", reason="Best")
    assert "has not enough data" in str(refused.value.message)
    with pytest.raises(TransitionRefused):  # a penalty would have nothing to rest on either
        outcome_record(scorecard_id=carol.pk, actor=fx.hr, kind=OutcomeKind.WARNING, reason="Low score")
    assert not Outcome.objects.exists()
    # A scored person is rewarded as before.
    outcome_record(scorecard_id=card_of(fx.bob).pk, actor=fx.hr, kind=OutcomeKind.BONUS, amount="500", reason="Top")
    assert Outcome.objects.get().person == fx.bob


def test_a_penalty_citing_a_violation_rests_on_the_discipline_record(
    fixture_quarter, test_scheme, django_capture_on_commit_callbacks
):
    fx = fixture_quarter
    from .conftest import _violation, sh

    violation = _violation(fx.carol, at=sh(2026, 2, 2, 10), recorded_by=fx.supervisor)
    with override_settings(EVALUATION_MIN_MEASURED_WEIGHT=100):  # nobody but Alice has enough data
        evaluation = score_q1(fx, django_capture_on_commit_callbacks)
    with now_is(SCORED_AT):
        evaluation_finalise(evaluation_id=evaluation.pk, actor=fx.hr)
    carol = card_of(fx.carol)
    assert carol.total is None
    outcome_record(
        scorecard_id=carol.pk,
        actor=fx.hr,
        kind=OutcomeKind.WARNING,
        reason="Work record missing",
        violation_ids=[violation.pk],
    )
    assert list(Outcome.objects.get().violations.all()) == [violation]


# --- what people see ----------------------------------------------------------------------------------------
def test_the_pages_say_not_enough_data_instead_of_a_score(
    fixture_quarter, test_scheme, client, django_capture_on_commit_callbacks
):
    fx = fixture_quarter
    score_q1(fx, django_capture_on_commit_callbacks)
    client.force_login(fx.hr)
    quarter_url = reverse("evaluation:quarter_detail", args=[2026, 1])

    page = client.get(quarter_url).content.decode()
    assert 'id="lacking-data"' in page and "Not enough data for 1 scorecard" in page
    assert "not enough data" in page
    carol = card_of(fx.carol)
    card_page = client.get(reverse("evaluation:scorecard", args=[carol.pk])).content.decode()
    assert "the KPIs with data weigh 5 of 100, and a score needs at least 60" in card_page
    assert "100.00</span>" not in card_page

    with now_is(SCORED_AT):
        finalised = client.post(reverse("evaluation:finalise", args=[2026, 1]), follow=True).content.decode()
    assert "2026Q1 is finalised." in finalised
    assert f"Not enough data to score, so no final score, rank or reward: {fx.carol}." in finalised

    fx.carol.preferred_language = "zh-hans"
    fx.carol.save(update_fields=["preferred_language"])
    client.force_login(fx.carol)
    mine = client.get(reverse("evaluation:my_scorecards")).content.decode()
    assert "数据不足" in mine and "100.00" not in mine


def test_the_hr_overview_ranks_only_scored_people(fixture_quarter, test_scheme, django_capture_on_commit_callbacks):
    fx = fixture_quarter
    score_q1(fx, django_capture_on_commit_callbacks)
    overview = evaluation_overview()
    assert [card.merchandiser for card in overview["top"]] == [fx.bob, fx.alice]
    assert (overview["people"], overview["not_enough_data"]) == (2, 1)
    assert sum(band["count"] for band in overview["distribution"]) == 2


def test_the_live_kpis_of_a_quiet_quarter_have_no_total(merchandiser):
    with now_is(SCORED_AT):
        so_far = kpis_so_far(person=merchandiser)
    assert so_far.total is None  # only the clean discipline record: it used to read 100


def test_the_exports_say_not_enough_data_instead_of_a_total(
    fixture_quarter, test_scheme, client, django_capture_on_commit_callbacks
):
    from io import BytesIO

    from openpyxl import load_workbook

    fx = fixture_quarter
    score_q1(fx, django_capture_on_commit_callbacks)
    client.force_login(fx.hr)
    ranking = load_workbook(BytesIO(client.get(reverse("evaluation:quarter_export", args=[2026, 1])).content))
    rows = [[c.value for c in row] for row in ranking.worksheets[0].iter_rows(min_row=2)]
    assert [(row[0], row[4]) for row in rows] == [(1, 91.67), (2, 64.0), (None, "not enough data")]
    carol = card_of(fx.carol)
    sheet = load_workbook(BytesIO(client.get(reverse("evaluation:scorecard_xlsx", args=[carol.pk])).content)).active
    assert ["Total", "not enough data", "computed", "not enough data"] in [
        [c.value for c in row][:4] for row in sheet.iter_rows()
    ]
    pdf = client.get(reverse("evaluation:scorecard_pdf", args=[carol.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
