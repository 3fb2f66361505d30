import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.filters import IsSetFilter
from orders.filters import OwnerFilter

from .models import Case, CaseStatus, CaseType, Severity


class CaseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search", max_length=100)
    status = django_filters.ChoiceFilter(label=_("State"), choices=CaseStatus.choices)
    case_type = django_filters.ChoiceFilter(label=_("Type"), choices=CaseType.choices)
    severity = django_filters.ChoiceFilter(label=_("Severity"), choices=Severity.choices)
    owner = OwnerFilter(label=_("Owner"))
    escalated = IsSetFilter(label=_("Escalated"), field_name="escalated_at")
    breached = IsSetFilter(label=_("Past its resolution SLA"), field_name="resolution_breached_at")

    class Meta:
        model = Case
        fields = ()

    def search(self, queryset, name, value):
        value = value.strip()
        reference = value.upper().removeprefix("AS-")
        condition = Q(subject__icontains=value) | Q(order__number__istartswith=value)
        if reference.isdigit() and len(reference) <= 18:
            condition |= Q(pk=int(reference))
        return queryset.filter(condition) if value else queryset
