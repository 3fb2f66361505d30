import django_filters
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role

from .models import Channel, Customer, OrderState


class OrderFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search", max_length=100)
    status = django_filters.ChoiceFilter(label=_("State"), choices=OrderState.choices)
    channel = django_filters.ChoiceFilter(label=_("Channel"), choices=Channel.choices)
    customer = django_filters.ModelChoiceFilter(label=_("Customer"), queryset=Customer.objects.all())
    merchandiser = django_filters.ModelChoiceFilter(label=_("Merchandiser"), queryset=get_user_model().objects.none())
    received_from = django_filters.DateFilter(
        label=_("Received from"),
        field_name="received_at",
        lookup_expr="date__gte",
        widget=django_filters.widgets.forms.DateInput(attrs={"type": "date"}),
    )
    received_to = django_filters.DateFilter(
        label=_("Received to"),
        field_name="received_at",
        lookup_expr="date__lte",
        widget=django_filters.widgets.forms.DateInput(attrs={"type": "date"}),
    )
    is_overdue = django_filters.BooleanFilter(label=_("Overdue"))
    is_at_risk = django_filters.BooleanFilter(label=_("At risk"))
    is_on_hold = django_filters.BooleanFilter(label=_("On hold"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["merchandiser"].queryset = get_user_model().objects.filter(groups__name=Role.MERCHANDISER)

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        # Exact prefixes first: order numbers and POs are typed or pasted whole.
        return queryset.filter(
            Q(number__istartswith=value)
            | Q(customer_po__istartswith=value)
            | Q(customer__code__iexact=value)
            | Q(customer__name_zh__icontains=value)
            | Q(customer__name_en__icontains=value)
        )
