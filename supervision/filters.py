import django_filters
from django.utils.translation import gettext_lazy as _

from orders.filters import OwnerFilter

from .models import (
    Finding,
    FindingSeverity,
    FindingStatus,
    Violation,
    ViolationSeverity,
    ViolationStatus,
    ViolationType,
)

DATE_INPUT = {"attrs": {"type": "date"}, "format": "%Y-%m-%d"}


class FindingFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("State"), choices=FindingStatus.choices)
    severity = django_filters.ChoiceFilter(label=_("Severity"), choices=FindingSeverity.choices)
    merchandiser = OwnerFilter(label=_("Merchandiser"))
    due_before = django_filters.DateFilter(
        label=_("Due by"),
        field_name="due_date",
        lookup_expr="lte",
        widget=django_filters.widgets.forms.DateInput(**DATE_INPUT),
    )

    class Meta:
        model = Finding
        fields = ()


class ViolationFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("State"), choices=ViolationStatus.choices)
    type = django_filters.ChoiceFilter(label=_("Type"), choices=ViolationType.choices)
    severity = django_filters.ChoiceFilter(label=_("Severity"), choices=ViolationSeverity.choices)
    person = OwnerFilter(label=_("Person"))
    occurred_from = django_filters.DateFilter(
        label=_("Occurred from"),
        field_name="occurred_at",
        lookup_expr="date__gte",
        widget=django_filters.widgets.forms.DateInput(**DATE_INPUT),
    )
    occurred_to = django_filters.DateFilter(
        label=_("Occurred to"),
        field_name="occurred_at",
        lookup_expr="date__lte",
        widget=django_filters.widgets.forms.DateInput(**DATE_INPUT),
    )

    class Meta:
        model = Violation
        fields = ()
