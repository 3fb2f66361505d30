import django_filters
from django.utils.translation import gettext_lazy as _

from orders.filters import OwnerFilter

from .models import (
    Finding,
    FindingSeverity,
    FindingStatus,
    RecordReview,
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


class RecordReviewFilter(django_filters.FilterSet):
    merchandiser = OwnerFilter(label=_("Merchandiser"))
    rating_max = django_filters.NumberFilter(
        label=_("Rated at most"), field_name="rating", lookup_expr="lte", min_value=1, max_value=5
    )
    reviewed_from = django_filters.DateFilter(
        label=_("Reviewed from"),
        field_name="reviewed_at",
        lookup_expr="date__gte",
        widget=django_filters.widgets.forms.DateInput(**DATE_INPUT),
    )
    reviewed_to = django_filters.DateFilter(
        label=_("Reviewed to"),
        field_name="reviewed_at",
        lookup_expr="date__lte",
        widget=django_filters.widgets.forms.DateInput(**DATE_INPUT),
    )

    class Meta:
        model = RecordReview
        fields = ()
