import django_filters
from django.utils.translation import gettext_lazy as _

from core.filters import YesNoFilter
from orders.filters import OwnerFilter

from .models import CheckIn, CheckInStatus

DATE_INPUT = {"attrs": {"type": "date"}, "format": "%Y-%m-%d"}


class CheckInFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("State"), choices=CheckInStatus.choices)
    merchandiser = OwnerFilter(label=_("Merchandiser"))
    day_from = django_filters.DateFilter(
        label=_("From"),
        field_name="day",
        lookup_expr="gte",
        widget=django_filters.widgets.forms.DateInput(**DATE_INPUT),
    )
    day_to = django_filters.DateFilter(
        label=_("To"), field_name="day", lookup_expr="lte", widget=django_filters.widgets.forms.DateInput(**DATE_INPUT)
    )
    with_problems = YesNoFilter(label=_("Problems reported"), method="has_problems")

    class Meta:
        model = CheckIn
        fields = ()

    def has_problems(self, queryset, name, value):
        return queryset.exclude(problems="") if value else queryset.filter(problems="")
