from decimal import Decimal

from django import template
from django.utils.translation import gettext as _

from evaluation.codes import Unit
from evaluation.scoring import min_measured_weight as _min_measured_weight

register = template.Library()


@register.filter
def kpi_value(value, unit):
    """A KPI value in its unit: 75.00 %, 4.20 (of 5), 0.50 per order, 2."""
    if value is None:
        return "—"
    value = Decimal(value)
    if unit == Unit.PERCENT:
        return f"{value:.2f} %"
    if unit == Unit.RATING:
        return f"{value:.2f}"
    if unit == Unit.RATIO:
        return f"{value:.2f}"
    return f"{value:.0f}"


@register.filter
def raw(value):
    """A numerator or denominator without trailing zeros: 3, 24, 0.5."""
    if value is None:
        return "—"
    value = Decimal(value)
    return f"{value.normalize():f}" if value != value.to_integral() else f"{value:.0f}"


@register.filter
def person(user):
    if user is None:
        return ""
    name = f"{user.last_name}{user.first_name}".strip() if user.last_name and not user.last_name.isascii() else ""
    return name or user.get_full_name() or user.get_username()


@register.simple_tag
def weight_total(kpi_rows):
    return sum(_whole(row["fields"][0].value()) for row in kpi_rows)


def _whole(value) -> int:
    """A weight as typed: a form sent back with errors may hold anything (":", "1e309"), never a 500."""
    try:
        return int(value or 0)
    except (TypeError, ValueError, OverflowError):
        return 0


@register.filter
def yesno_applies(value):
    return _("applies") if value else _("does not apply")


@register.simple_tag
def min_measured_weight() -> int:
    """The weight (of 100) the KPIs with data must reach for a scorecard to have a total."""
    return _min_measured_weight()
