"""KPI schemes: weights must sum to 100, lines must make sense, versions never rewrite a past quarter."""

from decimal import Decimal

import pytest

from core.errors import InvalidInput, NotPermitted
from evaluation.errors import QuarterFrozen
from evaluation.models import KpiScheme
from evaluation.quarters import Quarter
from evaluation.selectors import scheme_in_force
from evaluation.services import default_scheme_lines, scheme_create, scheme_validate

from .conftest import scheme_lines

pytestmark = pytest.mark.django_db


def test_the_default_scheme_is_valid_and_sums_to_100():
    lines = default_scheme_lines()
    assert scheme_validate(lines) == []
    assert sum(line.weight for line in lines) == 100


def test_weights_that_do_not_sum_to_100_are_refused(hr_user):
    lines = scheme_lines(on_time_delivery=(25, "100", "0", "linear", None))  # 105
    with pytest.raises(InvalidInput) as exc:
        scheme_create(actor=hr_user, quarter=Quarter(2026, 2), lines=lines)
    assert any("105" in str(r) and "100" in str(r) for r in exc.value.reasons)
    assert not KpiScheme.objects.exists()


@pytest.mark.parametrize(
    ("override", "words"),
    [
        ({"on_time_delivery": (20, "80", "90", "linear", None)}, "target must be above the floor"),
        ({"complaint_rate": (10, "5", "1", "linear", None)}, "target must be below the floor"),
        ({"on_time_delivery": (20, "120", "0", "linear", None)}, "out of range"),
        ({"satisfaction": (10, "6", "1", "linear", None)}, "out of range"),
        ({"violations": (5, "0", "5", "deduction", None)}, "points taken off"),
        ({"confirmation_time": (10, "100", "0", "linear", None)}, "working hours"),
    ],
)
def test_inconsistent_lines_are_refused(override, words):
    problems = scheme_validate(scheme_lines(**override))
    assert any(words in str(p) for p in problems), problems


def test_every_kpi_needs_exactly_one_line():
    lines = scheme_lines()
    assert any("needs a line" in str(p) for p in scheme_validate(lines[:-1]))
    assert any("only once" in str(p) for p in scheme_validate([*lines, lines[0]]))


def test_only_hr_saves_a_scheme(supervisor):
    with pytest.raises(NotPermitted):
        scheme_create(actor=supervisor, quarter=Quarter(2026, 2), lines=scheme_lines())


def test_versions_and_the_scheme_in_force(hr_user):
    first = scheme_create(actor=hr_user, quarter=Quarter(2026, 1), lines=scheme_lines())
    second = scheme_create(actor=hr_user, quarter=Quarter(2026, 1), lines=scheme_lines(), note="typo fixed")
    later = scheme_create(actor=hr_user, quarter=Quarter(2026, 3), lines=scheme_lines())
    assert (first.version, second.version, later.version) == (1, 2, 1)
    assert scheme_in_force(Quarter(2025, 4)) is None
    assert scheme_in_force(Quarter(2026, 1)) == second
    assert scheme_in_force(Quarter(2026, 2)) == second
    assert scheme_in_force(Quarter(2027, 1)) == later


def test_a_finalised_quarter_refuses_a_new_scheme(hr_user):
    from evaluation.models import EvaluationQuarter

    EvaluationQuarter.objects.create(year=2025, quarter=4, status="finalised")
    with pytest.raises(QuarterFrozen):
        scheme_create(actor=hr_user, quarter=Quarter(2025, 4), lines=scheme_lines())


def test_lines_keep_their_decimals(hr_user):
    scheme = scheme_create(actor=hr_user, quarter=Quarter(2026, 2), lines=scheme_lines())
    line = scheme.lines.get(kpi="satisfaction")
    assert (line.weight, line.target, line.floor) == (10, Decimal(5), Decimal(1))
