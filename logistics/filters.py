import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.filters import IsSetFilter
from orders.filters import OwnerFilter

from .models import Shipment, ShipmentMode


class ShipmentFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search", max_length=100)
    mode = django_filters.ChoiceFilter(label=_("Mode"), choices=ShipmentMode.choices)
    merchandiser = OwnerFilter(label=_("Merchandiser"), field_name="order__merchandiser")
    delivered = IsSetFilter(label=_("Delivered"), field_name="delivered_on")
    shipped_from = django_filters.DateFilter(
        label=_("Shipped from"),
        field_name="ship_date",
        lookup_expr="gte",
        widget=django_filters.widgets.forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    shipped_to = django_filters.DateFilter(
        label=_("Shipped to"),
        field_name="ship_date",
        lookup_expr="lte",
        widget=django_filters.widgets.forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    class Meta:
        model = Shipment
        fields = ()

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(tracking_number__istartswith=value) | Q(order__number__istartswith=value))
