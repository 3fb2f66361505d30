"""Pure arithmetic of a scorecard: a KPI's value from its numerator and denominator, the value's score
(0–100) under the scheme's rule, the weighted points and the total. No database here, so the rules are
proved with plain and property-based tests.

Rounding: values keep 4 decimals, scores and points 2 (half up). A score is computed from the unrounded
value; points from the rounded score, so a scorecard reads consistently: points = score × weight / 100.

A total exists only when the KPIs that had data weigh enough (EVALUATION_MIN_MEASURED_WEIGHT per cent of the
scheme): otherwise scaling up what little was measured would flatter, e.g. a quiet quarter's clean discipline
record alone would score 100.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings

from .codes import Rule, Unit

HUNDRED = Decimal(100)
CENT = Decimal("0.01")
VALUE_PLACES = Decimal("0.0001")


def q2(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def q4(value: Decimal) -> Decimal:
    return value.quantize(VALUE_PLACES, rounding=ROUND_HALF_UP)


def kpi_value(*, unit: str, numerator: Decimal, denominator: Decimal | None) -> Decimal | None:
    """None when the KPI does not apply to the person this quarter (nothing to measure)."""
    numerator = Decimal(numerator)
    if unit == Unit.COUNT:
        return numerator
    if not denominator:
        return None
    ratio = numerator / Decimal(denominator)
    return ratio * HUNDRED if unit == Unit.PERCENT else ratio


def kpi_score(*, value: Decimal | None, rule: str, target: Decimal, floor: Decimal, param: Decimal | None) -> Decimal:
    """0–100. `target` earns full marks, `floor` none; when target < floor, lower values are better.

    linear: straight line from floor (0) to target (100), clamped.
    threshold: 100 when the target is met, else 0.
    deduction: 100 minus `param` points per unit of value (e.g. 20 per violation), never below 0.
    """
    if value is None:
        return Decimal(0)
    value, target, floor = Decimal(value), Decimal(target), Decimal(floor)
    lower_is_better = target < floor
    if rule == Rule.DEDUCTION:
        return q2(max(Decimal(0), HUNDRED - Decimal(param or 0) * value))
    if rule == Rule.THRESHOLD:
        met = value <= target if lower_is_better else value >= target
        return HUNDRED if met else Decimal(0)
    if target == floor:
        met = value <= target if lower_is_better else value >= target
        return HUNDRED if met else Decimal(0)
    fraction = (value - floor) / (target - floor)
    return q2(min(HUNDRED, max(Decimal(0), fraction * HUNDRED)))


def kpi_points(*, score: Decimal, weight: int) -> Decimal:
    return q2(Decimal(score) * Decimal(weight) / HUNDRED)


@dataclass(frozen=True)
class LineScore:
    weight: int
    score: Decimal
    applicable: bool


def measured_weight(lines: list[LineScore]) -> Decimal:
    """The weight of the KPIs that had data, in per cent of the scheme's total weight."""
    scheme_weight = sum(line.weight for line in lines)
    if not scheme_weight:
        return Decimal(0)
    return Decimal(sum(line.weight for line in lines if line.applicable)) * HUNDRED / Decimal(scheme_weight)


def scorecard_total(lines: list[LineScore], *, min_measured: int) -> Decimal | None:
    """The total out of 100, or None ("not enough data") when the KPIs that had data weigh less than
    `min_measured` per cent of the scheme. KPIs that do not apply (nothing to measure) drop out and the
    weights of the rest are scaled up, so a person is neither rewarded nor punished for work they had none of."""
    applicable = [line for line in lines if line.applicable and line.weight]
    weight = sum(line.weight for line in applicable)
    if not weight or measured_weight(lines) < Decimal(min_measured):
        return None
    points = sum((kpi_points(score=line.score, weight=line.weight) for line in applicable), Decimal(0))
    if weight == 100:
        return q2(points)
    return q2(points * HUNDRED / Decimal(weight))


def min_measured_weight() -> int:
    """The share of the scheme's weight (per cent) that must have data before a scorecard has a total."""
    return int(settings.EVALUATION_MIN_MEASURED_WEIGHT)
