"""Every KPI of the fixture quarter (tests/evaluation/conftest.py), computed by hand here, must match what
the scoring job stores: numerator, denominator, value, score, weighted points and the total."""

from decimal import Decimal

import pytest

from evaluation.codes import RunStatus
from evaluation.kpis import KPI_BY_CODE, Period
from evaluation.models import EvaluationRun, Scorecard, ScoreLine
from evaluation.services import evaluation_run_start

from .conftest import Q1, SCORED_AT, now_is

pytestmark = pytest.mark.django_db

D = Decimal

# kpi: (numerator, denominator, value, score, points) — worked out from the records in conftest.py.
ALICE = {
    # a1 (7 h), a2 (Fri 2 h + Mon 5 h), a9 (1.5 h) in time; a3 (10 h) late. a4 is inside its 8 hours at
    # scoring time, a5 is Q2, a6 Q4, a7 was cancelled unconfirmed: none counted. 3 / 4 = 75 %.
    "confirmation_time": (D(3), D(4), D("75.0000"), D("75.00"), D("7.50")),
    # Shipments dispatched in Q1: a1 and a2 delivered by their promised dates, a9 not delivered and its date
    # (25 March) has passed. a3's date is ahead; a6 left in Q4. 2 / 3.
    "on_time_delivery": (D(2), D(3), D("66.6667"), D("66.67"), D("13.33")),
    # 4 done of 6 due: the missed day and the past pending day count, the waived day does not. Q2/Q4 days out.
    "checkin_compliance": (D(4), D(6), D("66.6667"), D("66.67"), D("6.67")),
    # Two cases opened in Q1, one breached its first-response target. 1 / 2.
    "sla_adherence": (D(1), D(2), D("50.0000"), D("50.00"), D("5.00")),
    # Confirmed in Q1: a1, a2, a3, a9; a2 was corrected after confirmation. 3 / 4.
    "order_accuracy": (D(3), D(4), D("75.0000"), D("75.00"), D("11.25")),
    # Ratings (5+4+5) + (3+3+4) = 24 over 6 ratings = 4.0; linear from 1 (0) to 5 (100): 75.
    "satisfaction": (D(24), D(6), D("4.0000"), D("75.00"), D("7.50")),
    # 1 complaint (Feb) over 3 orders shipped in Q1 (a3 shipped 00:30 on 1 April, Q2) = 33.33 %;
    # linear from 50 % (0) to 0 % (100): 33.33.
    "complaint_rate": (D(1), D(3), D("33.3333"), D("33.33"), D("3.33")),
    # Reports due in Q1: on time, a day late, never submitted (the one due 3 April is Q2). 1 / 3.
    "weekly_reports": (D(1), D(3), D("33.3333"), D("33.33"), D("1.67")),
    # 1 finding over 2 orders sampled and scored (a3 drawn, not scored) = 0.5; linear 2 → 0: 75.
    "qa_findings": (D(1), D(2), D("0.5000"), D("75.00"), D("3.75")),
    # 1 violation in Q1 (the other is Q2): 100 − 20 = 80.
    "violations": (D(1), None, D("1.0000"), D("80.00"), D("4.00")),
}
BOB = {
    # b1 confirmed after 2 h; b2 never confirmed and long past its 8 hours. 1 / 2.
    "confirmation_time": (D(1), D(2), D("50.0000"), D("50.00"), D("5.00")),
    "checkin_compliance": (D(2), D(2), D("100.0000"), D("100.00"), D("10.00")),
    "order_accuracy": (D(1), D(1), D("100.0000"), D("100.00"), D("15.00")),
    # No complaint over 1 order shipped: 0 %, full score.
    "complaint_rate": (D(0), D(1), D("0.0000"), D("100.00"), D("10.00")),
    "weekly_reports": (D(1), D(1), D("100.0000"), D("100.00"), D("5.00")),
    "qa_findings": (D(0), D(1), D("0.0000"), D("100.00"), D("5.00")),
    "violations": (D(0), None, D("0.0000"), D("100.00"), D("5.00")),
}
CAROL = {"violations": (D(0), None, D("0.0000"), D("100.00"), D("5.00"))}
# Alice: every KPI applies (weights 100); points 7.50 + 13.33 + 6.67 + 5.00 + 11.25 + 7.50 + 3.33 + 1.67
# + 3.75 + 4.00 = 64.00.
ALICE_TOTAL, ALICE_COVERAGE = D("64.00"), 100
# Bob: no shipment or case or feedback; applicable weights 10+10+15+10+5+5+5 = 60, points 55 →
# 55 × 100 / 60 = 91.666…
BOB_TOTAL, BOB_COVERAGE = D("91.67"), 60
# Carol has nothing to measure but a clean discipline record: 5 of 100 weight, below the 60 a total needs,
# so no total ("not enough data") rather than 100 scaled up from that one line.
CAROL_TOTAL, CAROL_COVERAGE = None, 5


def _score(fx, django_capture_on_commit_callbacks):
    with now_is(SCORED_AT), django_capture_on_commit_callbacks(execute=True):
        run = evaluation_run_start(quarter=Q1, actor=fx.hr)
    return EvaluationRun.objects.get(pk=run.pk)


def _lines(person) -> dict:
    return {line.kpi: line for line in ScoreLine.objects.filter(merchandiser=person, evaluation__year=2026)}


def _assert_person(person, expected: dict, total: Decimal | None, coverage: int):
    lines = _lines(person)
    for kpi, (num, den, value, score, points) in expected.items():
        line = lines[kpi]
        got = (line.numerator, line.denominator, line.value, line.score, line.points, line.applicable)
        assert got == (num, den, value, score, points, True), f"{person} {kpi}: {got}"
    for kpi, line in lines.items():
        if kpi in expected:
            continue
        assert not line.applicable, f"{person} {kpi} should not apply"
        assert (line.score, line.points) == (D(0), D(0))
    card = Scorecard.objects.get(merchandiser=person, evaluation__year=2026, evaluation__quarter=1)
    assert (card.total, card.computed_total, card.coverage) == (total, total, coverage)


def test_every_kpi_of_the_fixture_quarter_matches_the_hand_computation(
    fixture_quarter, test_scheme, django_capture_on_commit_callbacks
):
    run = _score(fixture_quarter, django_capture_on_commit_callbacks)

    assert run.status == RunStatus.DONE
    assert run.people == 3
    assert (run.done, run.total) == (run.total, 14)  # a step per KPI, then two more
    _assert_person(fixture_quarter.alice, ALICE, ALICE_TOTAL, ALICE_COVERAGE)
    _assert_person(fixture_quarter.bob, BOB, BOB_TOTAL, BOB_COVERAGE)
    _assert_person(fixture_quarter.carol, CAROL, CAROL_TOTAL, CAROL_COVERAGE)


def test_live_measure_for_one_person_equals_the_quarter_job(fixture_quarter, test_scheme):
    """The merchandiser's dashboard measures one person live with the same definitions."""
    from evaluation.worktime import working_days_refresh

    with now_is(SCORED_AT):
        working_days_refresh()
        period = Period.of(Q1)
        for code, (num, den, *_rest) in ALICE.items():
            kpi = KPI_BY_CODE[code]
            measure = kpi.measure(period, people=[fixture_quarter.alice.pk], param=kpi.default.param)
            assert (measure[fixture_quarter.alice.pk].numerator, measure[fixture_quarter.alice.pk].denominator) == (
                num,
                den,
            ), code
            assert set(measure) == {fixture_quarter.alice.pk}, code


def test_drilldown_lists_the_orders_behind_each_number(fixture_quarter, test_scheme):
    from evaluation.worktime import working_days_refresh

    o = fixture_quarter.orders
    with now_is(SCORED_AT):
        working_days_refresh()
        period = Period.of(Q1)
        person = fixture_quarter.alice.pk

        def rows(code):
            kpi = KPI_BY_CODE[code]
            return {
                r.order_id: (r.numerator, r.denominator)
                for r in kpi.drilldown(period, person_id=person, param=kpi.default.param)
            }

        assert rows("confirmation_time") == {
            o["a1"].pk: (1, 1),
            o["a2"].pk: (1, 1),
            o["a3"].pk: (0, 1),
            o["a9"].pk: (1, 1),
        }
        assert rows("order_accuracy") == {
            o["a1"].pk: (1, 1),
            o["a2"].pk: (0, 1),
            o["a3"].pk: (1, 1),
            o["a9"].pk: (1, 1),
        }
        assert rows("on_time_delivery") == {o["a1"].pk: (1, 1), o["a2"].pk: (1, 1), o["a9"].pk: (0, 1)}
        assert rows("complaint_rate") == {o["a1"].pk: (1, 1), o["a2"].pk: (0, 1), o["a9"].pk: (0, 1)}
        assert rows("checkin_compliance") == {o["a3"].pk: (4, 6)}
        assert rows("satisfaction") == {o["a1"].pk: (14, 3), o["a2"].pk: (10, 3)}
        assert rows("qa_findings") == {o["a1"].pk: (0, 1), o["a2"].pk: (1, 1)}
        assert rows("violations") == {o["a2"].pk: (1, 0)}
        assert [r.numerator for r in KPI_BY_CODE["weekly_reports"].drilldown(period, person_id=person)] == [1, 0, 0]
