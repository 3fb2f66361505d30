"""The scoring arithmetic alone: rules, rounding, re-weighting when a KPI does not apply."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from evaluation.codes import Rule, Unit
from evaluation.scoring import LineScore, kpi_points, kpi_score, kpi_value, scorecard_total

D = Decimal


def test_value_per_unit():
    assert kpi_value(unit=Unit.PERCENT, numerator=D(3), denominator=D(4)) == D(75)
    assert kpi_value(unit=Unit.RATING, numerator=D(24), denominator=D(6)) == D(4)
    assert kpi_value(unit=Unit.RATIO, numerator=D(1), denominator=D(2)) == D("0.5")
    assert kpi_value(unit=Unit.COUNT, numerator=D(2), denominator=None) == D(2)
    assert kpi_value(unit=Unit.PERCENT, numerator=D(0), denominator=D(0)) is None  # nothing to measure


def test_linear_higher_is_better():
    score = lambda v: kpi_score(value=D(v), rule=Rule.LINEAR, target=D(98), floor=D(80), param=None)  # noqa: E731
    assert score(98) == D(100)
    assert score(100) == D(100)
    assert score(80) == D(0)
    assert score(70) == D(0)
    assert score(89) == D(50)
    assert score("94.5") == D("80.56")  # (94.5 − 80) / 18 = 0.80555…


def test_linear_lower_is_better():
    score = lambda v: kpi_score(value=D(v), rule=Rule.LINEAR, target=D(1), floor=D(5), param=None)  # noqa: E731
    assert score(0) == D(100)
    assert score(1) == D(100)
    assert score(3) == D(50)
    assert score(6) == D(0)


def test_threshold_and_deduction():
    assert kpi_score(value=D(95), rule=Rule.THRESHOLD, target=D(95), floor=D(80), param=None) == D(100)
    assert kpi_score(value=D("94.99"), rule=Rule.THRESHOLD, target=D(95), floor=D(80), param=None) == D(0)
    assert kpi_score(value=D(2), rule=Rule.DEDUCTION, target=D(0), floor=D(5), param=D(20)) == D(60)
    assert kpi_score(value=D(7), rule=Rule.DEDUCTION, target=D(0), floor=D(5), param=D(20)) == D(0)


def test_points_and_total_rescale_over_the_kpis_that_apply():
    assert kpi_points(score=D("66.67"), weight=20) == D("13.33")
    lines = [LineScore(50, D(80), True), LineScore(30, D(50), True), LineScore(20, D(0), False)]
    # (40 + 15) × 100 / 80 = 68.75
    assert scorecard_total(lines, min_measured=60) == D("68.75")
    assert scorecard_total([LineScore(100, D("72.5"), True)], min_measured=60) == D("72.50")
    assert scorecard_total([LineScore(10, D(0), False)], min_measured=0) is None  # nothing measured: no total


@given(
    value=st.decimals(min_value=-1000, max_value=1000, places=4),
    a=st.decimals(min_value=0, max_value=100, places=2),
    b=st.decimals(min_value=0, max_value=100, places=2),
)
def test_scores_stay_within_0_and_100_and_follow_the_direction(value, a, b):
    if a == b:
        return
    score = kpi_score(value=value, rule=Rule.LINEAR, target=a, floor=b, param=None)
    assert D(0) <= score <= D(100)
    better = value + (1 if a > b else -1)
    assert kpi_score(value=better, rule=Rule.LINEAR, target=a, floor=b, param=None) >= score
